import Sqlite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { testStores } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// The drill-down reads the data version before its read's snapshot begins (TrackerReads.usage): another
// process committing in between must not have its rows paired with totals kept before them. Simulated by
// committing from a second connection right after the probe. SQLite only (PostgreSQL keeps no totals).

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;
const newStore = testStores('sqlite', 'totals-interleave');

type Probed = { reads: { usageTotals: { dataVersion: () => string | null } } };

it('a commit of another process between the version probe and the read is not paired with kept pieces', async () => {
  const store = await newStore('a');
  const t = openResourceTracker({ ...store, clock: fixedClock(NOW).now, flushOnExit: false });
  const q = { hoursBack: 2, success: false, limit: 1 } as const;
  const other = new Sqlite(store.path!);
  try {
    for (const ago of [10 * 60_000, 70 * 60_000, 1000])
      t.trackApiCall('photos', 's3', { timestamp: NOW - ago, success: false });
    await t.flush();
    // Keeps its whole-hour and whole-minute pieces.
    expect((await t.getResourceUsage(q)).totalCount).toBe(3);
    const memo = (t as unknown as Probed).reads.usageTotals;
    const probe = memo.dataVersion;
    let armed = true;
    memo.dataVersion = () => {
      const version = probe();
      if (armed) {
        armed = false;
        // A failed call 40 minutes ago, inside a kept piece.
        other
          .prepare(
            'insert into events (ts, backend_id, resource, amount, success) select ?, backend_id, resource, amount, 0 from events limit 1',
          )
          .run(NOW - 40 * 60_000);
      }
      return version;
    };
    const raced = await t.getResourceUsage(q);
    expect(armed).toBe(false);
    expect(raced.totalCount).toBe(4);
    expect(raced.events).toHaveLength(1);
    expect((await t.getResourceUsage(q)).totalCount).toBe(4);
  } finally {
    other.close();
    await t.close();
  }
});
