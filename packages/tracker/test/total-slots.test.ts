import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, queryStore, type StoreOptions, writeStore } from './support/stores.js';

// Issue 10: on PostgreSQL each connection adds its batches' totals into one of 16 slots of resource_total_slots
// and admits against totals other writers are still adding to, while far from 2^53 - 1 (running-totals.ts).
// Concurrent writers of different backends that together cross that point must still be admitted exactly
// as one writer would: every attempt that fits is accepted, every one that does not is refused, and the
// total never passes 2^53 - 1.

const MAX = Number.MAX_SAFE_INTEGER;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
/** An amount under the per-batch share of PostgreSQL's default 100 connections, so writers start shared. */
const STEP = 2 ** 44;
const WRITERS = 8;
const ATTEMPTS = 40;
let trackers: ResourceTracker[] = [];

afterEach(async () => {
  await Promise.all(trackers.map((t) => t.close()));
  trackers = [];
});

const upload = (backend: string, amount: number, resourceType = 'bandwidth_upload') => ({
  backend,
  backendType: 's3',
  resourceType,
  amount,
  timestamp: NOW - 1000,
});
/** The advisory lock class of the totals (record/running-totals.ts); the second key is the resource. */
const LOCK_CLASS = 0x62796d74;

async function storedTotal(store: StoreOptions): Promise<number> {
  const [row] = await queryStore<{ total: number | string }>(
    store,
    `select sum(total) as total from (select total from resource_totals where resource = 1
       union all select total from resource_total_slots where resource = 1) t`,
  );
  return Number(row!.total);
}

async function crossTogether(dialect: string, store: StoreOptions): Promise<void> {
  for (let w = 0; w < WRITERS; w++) {
    trackers.push(openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false }));
  }
  await Promise.all(trackers.map((t) => t.ready));
  // Start 20 steps under the half: the first attempts run shared, the rest exclusively, near the limit.
  const start = Math.floor(MAX / 2) - 20 * STEP;
  expect((await trackers[0]!.ingestBatch([upload('seed', start)])).accepted).toBe(1);
  let accepted = 0;
  let refused = 0;
  await Promise.all(
    trackers.map(async (t, w) => {
      for (let i = 0; i < ATTEMPTS; i++) {
        const r = await t.ingestBatch([upload(`b${w}`, STEP)]);
        accepted += r.accepted;
        refused += r.rejected.filter((x) => x.code === 'TOTAL_TOO_LARGE').length;
      }
    }),
  );
  const fits = Math.floor((MAX - start) / STEP);
  expect(fits).toBeLessThan(WRITERS * ATTEMPTS);
  expect([accepted, refused]).toEqual([fits, WRITERS * ATTEMPTS - fits]);
  expect(await storedTotal(store)).toBe(start + fits * STEP);
  const summary = await trackers[1]!.getResourceSummary({ period: 'day' });
  expect(summary.totals.bandwidthUpload).toBe(start + fits * STEP);
  if (dialect === 'postgres') {
    // The writers added to slots, not to one shared row.
    const [slots] = await queryStore<{ n: number | string }>(
      store,
      'select count(*) as n from resource_total_slots where resource = 1',
    );
    expect(Number(slots!.n)).toBeGreaterThan(0);
  }
}

describeEachDialect('total-slots', (dialect) => {
  it('8 writers of 8 backends crossing half of 2^53 - 1 together: exactly the attempts that fit are admitted', async () => {
    await crossTogether(dialect, await newStore('crossing'));
  }, 120_000);

  if (dialect === 'postgres') {
    it('the same on a database whose default isolation is REPEATABLE READ: writes still read committed totals', async () => {
      const store = await newStore('repeatable');
      await writeStore(
        store,
        `do $$ begin execute format('alter database %I set default_transaction_isolation = %L',
           current_database(), 'repeatable read'); end $$`,
      );
      const [row] = await queryStore<{ level: string }>(
        store,
        "select current_setting('default_transaction_isolation') as level",
      );
      expect(row!.level).toBe('repeatable read');
      await crossTogether(dialect, store);
    }, 120_000);

    it("one resource's exclusive lock holds back only that resource's batches", async () => {
      const store = await newStore('per-resource');
      const t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
      trackers.push(t);
      expect((await t.ingestBatch([upload('a', 1), upload('a', 1, 'bandwidth_download')])).accepted).toBe(2);
      const holder = new pg.Client({ connectionString: store.databaseUrl });
      await holder.connect();
      try {
        // Hold bandwidth_upload's key exclusively, as a batch past the shared ceiling does.
        await holder.query('begin');
        await holder.query('select pg_advisory_xact_lock($1, 1)', [LOCK_CLASS]);
        expect((await t.ingestBatch([upload('b', 5, 'bandwidth_download')])).accepted).toBe(1);
        let uploaded = false;
        const blocked = t.ingestBatch([upload('b', 5)]).then((r) => {
          uploaded = true;
          return r;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(uploaded).toBe(false);
        await holder.query('commit');
        expect((await blocked).accepted).toBe(1);
      } finally {
        await holder.end();
      }
    });
  }

  it('a batch larger than a shared share, far from the limit, is admitted exactly', async () => {
    const store = await newStore('large');
    const t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
    trackers.push(t);
    expect((await t.ingestBatch([upload('a', 2 ** 50), upload('a', 2 ** 50)])).accepted).toBe(2);
    expect((await t.ingestBatch([upload('b', 7)])).accepted).toBe(1);
    expect(await storedTotal(store)).toBe(2 ** 51 + 7);
  });
});
