import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { fixedClock, tempDbPaths } from './support/temp-db.js';

// Identical summaries between two commits are read once (tracker/read-memo.ts); a read after any write,
// by this tracker or another connection, must still see it.

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;
const dbPath = tempDbPaths('read-memo');

describe('summary memo', () => {
  it('sees this tracker’s own writes, flushed by the read or before it', async () => {
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ path: dbPath('own.db'), clock: clock.now, flushOnExit: false });
    try {
      tracker.trackBandwidthUpload('photos', 's3', 100);
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(100);
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(100);
      tracker.trackBandwidthUpload('photos', 's3', 20);
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(120);
      tracker.trackBandwidthUpload('photos', 's3', 3);
      await tracker.flush();
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(123);
      const batch = await tracker.ingestBatch([
        { backend: 'videos', backendType: 'local', resourceType: 'api_calls', amount: 1 },
      ]);
      expect(batch.accepted).toBe(1);
      const after = await tracker.getResourceSummary();
      expect(after.totals.apiCalls).toBe(1);
      expect(Object.keys(after.backends)).toEqual(['photos', 'videos']);
    } finally {
      await tracker.close();
    }
  });

  it('sees what another connection committed to the same file', async () => {
    const path = dbPath('shared.db');
    const clock = fixedClock(NOW);
    const reader = openResourceTracker({ path, clock: clock.now, flushOnExit: false });
    const writer = openResourceTracker({ path, clock: clock.now, flushOnExit: false });
    try {
      writer.trackApiCall('photos', 's3');
      await writer.flush();
      expect((await reader.getResourceSummary()).totals.apiCalls).toBe(1);
      expect((await reader.getResourceSummary()).totals.apiCalls).toBe(1);
      writer.trackApiCall('photos', 's3');
      await writer.flush();
      expect((await reader.getResourceSummary()).totals.apiCalls).toBe(2);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('answers each caller with its own copy, and follows the clock into the next period', async () => {
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ path: dbPath('copy.db'), clock: clock.now, flushOnExit: false });
    try {
      tracker.trackBandwidthDownload('photos', 's3', 7);
      const first = await tracker.getResourceSummary();
      first.totals.bandwidthDownload = 0;
      first.backends.photos!.resources.bandwidth_download!.totalAmount = 0;
      delete first.backends.photos;
      const second = await tracker.getResourceSummary();
      expect(second.totals.bandwidthDownload).toBe(7);
      expect(second.backends.photos!.resources.bandwidth_download!.totalAmount).toBe(7);
      clock.advance(86_400_000);
      const nextDay = await tracker.getResourceSummary();
      expect(nextDay.totals.bandwidthDownload).toBe(0);
      expect(nextDay.periodStart).not.toBe(second.periodStart);
    } finally {
      await tracker.close();
    }
  });
});
