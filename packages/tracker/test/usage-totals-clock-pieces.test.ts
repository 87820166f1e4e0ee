import { expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import type { UsageQuery } from '../src/query/get-resource-usage.js';
import { totalsPieces } from '../src/query/usage-totals-pieces.js';
import { testStores } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// A range ending at the clock keeps its totals in pieces that move with the clock (query/usage-totals-pieces.ts).
// Pieces its latest read no longer uses are never asked again: they must leave the memo at once, or a polled
// dashboard fills it, pushes out other queries' totals, and makes a large own flush drop every kept total
// (rows × kept answers past TrackerReads' limit). SQLite only: PostgreSQL keeps no drill-down totals.

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;
const HOUR = 3_600_000;
const newStore = testStores('sqlite', 'clock-pieces');

const keptCount = (t: ResourceTracker) =>
  (t as unknown as { reads: { usageTotals: { size: number } } }).reads.usageTotals.size;

/** How many pieces a read of a range ending at the clock keeps, at most. */
const keptPieces = (range: { from: number; to: number }) => totalsPieces(range, false).filter((p) => p.keep).length;

it('a polled range ending at the clock keeps only its latest pieces, and a fixed range survives a large own flush', async () => {
  const clock = fixedClock(NOW);
  const t = openResourceTracker({
    ...(await newStore('polled')),
    clock: clock.now,
    flushOnExit: false,
    maxBatchSize: 20_000,
    flushIntervalMs: HOUR,
  });
  const fixed: UsageQuery = { from: new Date(NOW - 24 * HOUR), to: new Date(NOW + 2 * HOUR), limit: 10 };
  const polled: UsageQuery[] = [{ hoursBack: 24 }, { hoursBack: 2, backend: 'b' }, { from: new Date(NOW - 3 * HOUR) }];
  try {
    await t.getResourceUsage(fixed);
    // Three dashboards polled every 30 s (with odd milliseconds) for 40 minutes: the fixed range's answer and
    // each one's latest pieces are all that is kept.
    for (let i = 0; i < 80; i++) {
      clock.advance(30_000 + (i % 7) * 111);
      for (const q of polled) await t.getResourceUsage({ ...q, limit: 10 });
      const to = clock.now() + 1;
      const latest =
        keptPieces({ from: to - 24 * HOUR, to }) +
        keptPieces({ from: to - 2 * HOUR, to }) +
        keptPieces({ from: NOW - 3 * HOUR, to });
      expect(keptCount(t)).toBeLessThanOrEqual(1 + latest);
    }
    const before = keptCount(t);
    for (let i = 0; i < 20_000; i++)
      t.trackResourceUsage({
        backend: 'b',
        backendType: 's3',
        resourceType: 'api_calls',
        amount: 1,
        timestamp: clock.now() - i,
      });
    expect((await t.flush()).error).toBeUndefined();
    // 20,000 rows into every kept answer is under the limit only while stale pieces are gone: they are
    // brought forward, not dropped.
    expect(keptCount(t)).toBe(before);
    expect((await t.getResourceUsage(fixed)).totalCount).toBe(20_000);
  } finally {
    await t.close();
  }
}, 120_000);
