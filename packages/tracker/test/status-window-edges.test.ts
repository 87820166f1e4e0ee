import { expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// A status sums its windows exactly however it reads them: a ragged window edge is its whole minute less the
// raw events outside the window (query/backend-status-sums.ts, both dialects), so the events of that minute
// on either side of the edge, and those dated ahead of now, are what could be miscounted.

const SEC = 1000;
const MIN = 60 * SEC;
// 10 s into a minute: the health window starts 10.001 s into its first minute, nearer its start than its end.
const NOW = Date.UTC(2026, 5, 1, 12, 0, 10);

describeEachDialect('status window edges', () => {
  it('counts the operations inside the health and bandwidth windows only', async () => {
    const t = openResourceTracker({ ...(await newStore()), clock: () => NOW, flushOnExit: false });
    try {
      const start = NOW + 1 - 15 * MIN; // the health window is [now + 1 − 15 min, now + 1)
      // Inside: 3 calls that succeed and one that fails, at both ends and in the middle.
      t.trackApiCall('b', 's3', { timestamp: start });
      t.trackApiCall('b', 's3', { timestamp: start + 1 });
      t.trackApiCall('b', 's3', { timestamp: NOW - 7 * MIN, success: false });
      t.trackApiCall('b', 's3', { timestamp: NOW });
      // Outside, in the same minutes as the edges: just before the start, and dated ahead of now.
      for (const ts of [start - 1, start - 5 * SEC, NOW + 1, NOW + 30 * SEC])
        t.trackApiCall('b', 's3', { timestamp: ts, success: false });
      // Bandwidth: 6 MB inside the last 60 s; 1 GB just before it and just after now.
      t.trackBandwidthUpload('b', 's3', 6_000_000, { timestamp: NOW + 1 - MIN });
      for (const ts of [NOW - MIN, NOW + 1]) t.trackBandwidthUpload('b', 's3', 1e9, { timestamp: ts });
      const { b } = await t.getBackendStatus();
      // The uploads are operations too where no call succeeded; here calls did, so they count alone.
      expect(b).toMatchObject({ errorRate: 0.25, currentUploadMbps: 0.8 });
    } finally {
      await t.close();
    }
  });

  it('answers a named backend when both windows are older than everything kept', async () => {
    // Raw events kept 3 min, minute rollups 5: a 7.5-minute health window and the last minute both snap to
    // nothing kept, so there is nothing to sum (PostgreSQL sent a sums statement anyway, and failed when it
    // took the backend's name as a parameter its placeholder text had no use for).
    const now = Date.UTC(2026, 5, 1, 12, 14, 43, 276);
    const t = openResourceTracker({
      ...(await newStore()),
      clock: () => now,
      flushOnExit: false,
      rawRetentionMs: 3 * MIN,
      minuteRetentionMs: 5 * MIN,
      health: { windowMs: 7.5 * MIN },
    });
    try {
      t.trackApiCall('a', 's3', { timestamp: now - SEC });
      t.trackApiCall('z', 's3', { timestamp: now - SEC });
      await t.flush();
      expect(Object.keys(await t.getBackendStatus('a'))).toEqual(['a']);
      expect(Object.keys(await t.getBackendStatus())).toEqual(['a', 'z']);
    } finally {
      await t.close();
    }
  });
});
