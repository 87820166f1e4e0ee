import { expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, type UsageQuery } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// getResourceUsage counts its range from rollups where every raw event is still kept, and one by one
// elsewhere; either way totalCount is the number of events the pages list.

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;
const TYPES = ['bandwidth_upload', 'api_calls', 'operation_cost', 'bandwidth_download'] as const;

async function listed(tracker: ResourceTracker, q: UsageQuery): Promise<{ total: number; listed: number }> {
  let cursor: string | undefined;
  let listed = 0;
  let total = -1;
  do {
    const page = await tracker.getResourceUsage({ ...q, limit: 1000, ...(cursor ? { cursor } : {}) });
    total = page.totalCount;
    listed += page.events.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { total, listed };
}

describeEachDialect('getResourceUsage totalCount', () => {
  it('equals the events listed, inside and across the raw retention, under every filter', async () => {
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({
      ...(await newStore()),
      clock: clock.now,
      rawRetentionMs: 6 * HOUR,
      flushOnExit: false,
    });
    try {
      // Events every 37 s (odd offsets, so no range edge falls on a minute) over the last 12 hours, some
      // failed: half of them are older than the raw retention and stored only as rollups.
      const batch = [];
      for (let t = NOW - 12 * HOUR + 1234, i = 0; t < NOW; t += 37_003, i++) {
        batch.push({
          backend: `b${i % 3}`,
          backendType: i % 3 === 2 ? 'local' : 's3',
          resourceType: TYPES[i % TYPES.length],
          amount: 1 + (i % 17),
          success: i % 5 !== 0,
          timestamp: new Date(t),
        });
      }
      for (let i = 0; i < batch.length; i += 1000) {
        expect((await tracker.ingestBatch(batch.slice(i, i + 1000))).rejected).toEqual([]);
      }
      const queries: UsageQuery[] = [
        { hoursBack: 1 },
        { hoursBack: 5.5 },
        { hoursBack: 24 },
        { hoursBack: 3, backend: 'b1' },
        { hoursBack: 3, backendType: 'local' },
        { hoursBack: 3, resourceType: 'api_calls' },
        { from: new Date(NOW - 2 * HOUR - 7_777), to: new Date(NOW - 20_001) },
        { from: new Date(NOW - 9 * HOUR - 7_777), to: new Date(NOW - HOUR - 1) },
        // Whole hours, so no edge needs snapping: only the retention tells that raw rows are missing here.
        { from: new Date(NOW - 12_345 - 9 * HOUR), to: new Date(NOW - 12_345 - HOUR) },
      ];
      for (const q of queries) {
        const { total, listed: n } = await listed(tracker, q);
        expect(total, JSON.stringify(q)).toBe(n);
        expect(total, JSON.stringify(q)).toBeGreaterThan(0);
      }
      // 5.5 hours back holds 5.5 h / 37.003 s events (within one): the rollup path counted every one.
      const recent = await tracker.getResourceUsage({ hoursBack: 5.5, limit: 1 });
      expect(Math.abs(recent.totalCount - (5.5 * HOUR) / 37_003)).toBeLessThanOrEqual(1);
    } finally {
      await tracker.close();
    }
  });
});
