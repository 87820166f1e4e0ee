import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { fixedClock, tempDbPaths } from './support/temp-db.js';

// getSummaryVersion: equal for two calls only when getResourceSummary would answer the same, so a caller
// may keep something derived from a summary (the API's response cache) while it is unchanged.

const NOW = Date.UTC(2026, 10, 27, 23, 58, 0) + 12_345;
const dbPath = tempDbPaths('summary-version');

describe('getSummaryVersion (SQLite)', () => {
  it('stays while nothing changes and moves with own writes, pending events and other connections', async () => {
    const path = dbPath('v.db');
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ path, clock: clock.now, flushOnExit: false });
    const other = openResourceTracker({ path, clock: clock.now, flushOnExit: false });
    try {
      const v0 = await tracker.getSummaryVersion();
      expect(v0).not.toBeNull();
      expect(await tracker.getSummaryVersion()).toBe(v0);
      // Another summary (period, zone, backend) is another version.
      expect(await tracker.getSummaryVersion({ period: 'month' })).not.toBe(v0);
      expect(await tracker.getSummaryVersion({ timezone: 'Asia/Kolkata' })).not.toBe(v0);
      expect(await tracker.getSummaryVersion({ backend: 'photos' })).not.toBe(v0);
      // An event still pending in memory is written first, as a read would.
      tracker.trackBandwidthUpload('photos', 's3', 100);
      const v1 = await tracker.getSummaryVersion();
      expect(v1).not.toBe(v0);
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(100);
      expect(await tracker.getSummaryVersion()).toBe(v1);
      await tracker.ingestBatch([{ backend: 'photos', backendType: 's3', resourceType: 'api_calls', amount: 1 }]);
      const v2 = await tracker.getSummaryVersion();
      expect(v2).not.toBe(v1);
      other.trackApiCall('photos', 's3');
      await other.flush();
      const v3 = await tracker.getSummaryVersion();
      expect(v3).not.toBe(v2);
      // The clock reaching the next day, with no commit: the day summary is another answer.
      clock.advance(5 * 60_000);
      expect(await tracker.getSummaryVersion()).not.toBe(v3);
    } finally {
      await other.close();
      await tracker.close();
    }
  });

  it('is null when summaries are not memoised, and checks its query like getResourceSummary', async () => {
    const tracker = openResourceTracker({ path: dbPath('off.db'), memoizeSummaries: false, flushOnExit: false });
    try {
      expect(await tracker.getSummaryVersion()).toBeNull();
      await expect(tracker.getSummaryVersion({ timezone: 'Mars/Olympus' })).rejects.toMatchObject({
        code: 'INVALID_TIMEZONE',
      });
    } finally {
      await tracker.close();
    }
  });
});

describeEachDialect('getSummaryVersion', (dialect) => {
  it(dialect === 'sqlite' ? 'is a version on SQLite' : 'is null on PostgreSQL (no cheap commit counter)', async () => {
    const tracker = openResourceTracker({ ...(await newStore('version')), flushOnExit: false });
    try {
      await tracker.ready;
      const version = await tracker.getSummaryVersion();
      if (dialect === 'sqlite') expect(version).toEqual(expect.any(String));
      else expect(version).toBeNull();
    } finally {
      await tracker.close();
    }
  });
});
