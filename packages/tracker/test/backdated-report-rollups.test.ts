import fc from 'fast-check';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, type TrackerOptions } from '../src/index.js';
import { fromLimbs } from '../src/pricing/delta-time.js';
import { GRAINS, grainSize } from '../src/rollup/grains.js';
import { RESOURCE_CODE } from '../src/types.js';
import { describeEachDialect, newStore, queryStore, type StoreOptions, snapshotStore } from './support/stores.js';

// A level report backdated before a stored one takes its change off the stored report's raw row and off the
// rollups of every grain holding it (record/later-report.ts). Each rollup must then say of its bucket what
// its raw rows say: count, sum, byte-time, and min and max (which widening alone left at an amount no row
// holds any more). Also with two writers backdating into the same buckets at once, and once retention has
// removed the minute rollups or part of a minute's raw rows.

const STORAGE = RESOURCE_CODE.storage_used;
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
// 30 s past a whole minute: a retention edge at NOW - x falls inside a minute bucket.
const NOW = Date.UTC(2026, 5, 10, 12, 0, 30);

interface Cell {
  total: number;
  count: number;
  min: number;
  max: number;
  deltaTime: bigint;
}

function open(store: StoreOptions, options: Partial<TrackerOptions> = {}): ResourceTracker {
  return openResourceTracker({
    ...store,
    clock: () => NOW,
    flushOnExit: false,
    flushIntervalMs: 3_600_000,
    ...options,
  });
}

/**
 * The storage rollups of every grain as stored, and as the raw rows make them (each keyed grain:bucket:backend),
 * read through a connection of their own.
 */
async function storageRollups(store: StoreOptions): Promise<{ stored: Map<string, Cell>; fromRaw: Map<string, Cell> }> {
  const raw = await queryStore<{ ts: number; backend_id: number; amount: number }>(
    store,
    `select ts, backend_id, amount from events where resource = ${STORAGE}`,
  );
  const fromRaw = new Map<string, Cell>();
  for (const row of raw) {
    const ts = Number(row.ts);
    const amount = Number(row.amount);
    for (const grain of GRAINS) {
      const bucket = Math.floor(ts / grain.size) * grain.size;
      const key = `${grain.code}:${bucket}:${Number(row.backend_id)}`;
      const cell = fromRaw.get(key) ?? { total: 0, count: 0, min: amount, max: amount, deltaTime: 0n };
      cell.total += amount;
      cell.count += 1;
      cell.min = Math.min(cell.min, amount);
      cell.max = Math.max(cell.max, amount);
      cell.deltaTime += BigInt(amount) * BigInt(ts - bucket);
      fromRaw.set(key, cell);
    }
  }
  const rows = await queryStore<Record<string, number | string>>(
    store,
    `select level, bucket, backend_id, total, count, min, max, delta_time_lo, delta_time_hi from rollups
      where resource = ${STORAGE}`,
  );
  const stored = new Map<string, Cell>();
  for (const r of rows) {
    stored.set(`${Number(r.level)}:${Number(r.bucket)}:${Number(r.backend_id)}`, {
      total: Number(r.total),
      count: Number(r.count),
      min: Number(r.min),
      max: Number(r.max),
      deltaTime: fromLimbs(r.delta_time_hi!, r.delta_time_lo!),
    });
  }
  return { stored, fromRaw };
}

/** Sorted [key, cell] pairs of the buckets of these grains (by code), for a readable comparison. */
function ofGrains(cells: Map<string, Cell>, codes: readonly number[]): [string, Cell][] {
  return [...cells].filter(([key]) => codes.includes(Number(key.split(':')[0]))).sort(([a], [b]) => (a < b ? -1 : 1));
}

const ALL_GRAINS = GRAINS.map((g) => g.code);

/** Every storage rollup of every grain equals the aggregate of its bucket's raw rows (and no bucket is missing). */
async function expectRollupsOfRawRows(store: StoreOptions): Promise<void> {
  const { stored, fromRaw } = await storageRollups(store);
  expect(ofGrains(stored, ALL_GRAINS)).toEqual(ofGrains(fromRaw, ALL_GRAINS));
}

describeEachDialect('backdated report rollups', (dialect) => {
  it('a report backdated before a stored one leaves every grain the min, max, count and sum of its raw rows', async () => {
    const store = await newStore('stored');
    const t = open(store);
    try {
      // Other traffic in the same buckets: another resource of the backend, another backend's storage.
      t.trackBandwidthUpload('s', 's3', 123_456, { timestamp: NOW - 61 * MIN });
      t.trackStorageUsage('other', 'local', 99_999, { timestamp: NOW - 61 * MIN + 5 * SEC });
      t.trackStorageUsage('s', 's3', 10, { timestamp: NOW - 3 * HOUR });
      // Implies +990, the largest amount of its minute, quarter, hour and day.
      t.setStorageLevel('s', 's3', 1000, { timestamp: NOW - 61 * MIN + 20 * SEC });
      t.trackStorageUsage('s', 's3', 5, { timestamp: NOW - 61 * MIN + 25 * SEC });
      t.trackStorageUsage('s', 's3', 2, { timestamp: NOW - 61 * MIN + 30 * SEC }); // the next minute's first ms
      // Implies -1007, the smallest of its minute, quarter and hour.
      t.setStorageLevel('s', 's3', 0, { timestamp: NOW - 28 * MIN });
      t.trackStorageUsage('s', 's3', 7, { timestamp: NOW - 28 * MIN + 10 * SEC });
      expect((await t.flush()).error).toBeUndefined();

      // Dated 2 hours before the first report (level 10 then, so +890): that report now implies +100.
      t.setStorageLevel('s', 's3', 900, { timestamp: NOW - 3 * HOUR + MIN });
      // In the second report's quarter, two minutes before it (level 1007 then, so -1007): that report now implies 0.
      t.setStorageLevel('s', 's3', 0, { timestamp: NOW - 30 * MIN - 20 * SEC });
      expect((await t.flush()).error).toBeUndefined();
      // In the same minute as the first report, before it (level 900 then): it now implies 1000 - 950.
      t.setStorageLevel('s', 's3', 950, { timestamp: NOW - 61 * MIN + 10 * SEC });
      expect((await t.flush()).error).toBeUndefined();

      await expectRollupsOfRawRows(store);
      const { stored } = await storageRollups(store);
      const sId = Number((await queryStore<{ id: number }>(store, "select id from backends where name = 's'"))[0]!.id);
      const minute = (ts: number) => stored.get(`1:${Math.floor(ts / MIN) * MIN}:${sId}`);
      expect(minute(NOW - 61 * MIN + 10 * SEC)).toMatchObject({ count: 3, total: 50 + 50 + 5, min: 5, max: 50 });
      expect(minute(NOW - 28 * MIN)).toMatchObject({ count: 2, total: 7, min: 0, max: 7 });
      expect((await t.getBackendStatus('s')).s?.currentStorageUsageBytes).toBe(7);

      // Drill-down totals read from rollups say what the raw rows say (success: true reads the raw rows).
      const range = { from: new Date(NOW - 4 * HOUR), to: new Date(NOW + 1), backend: 's' };
      const storage = async (success?: boolean) =>
        (await t.getResourceUsage({ ...range, success, limit: 1 })).totals.find(
          (x) => x.resourceType === 'storage_used',
        );
      const fromRollups = await storage();
      expect(fromRollups).toMatchObject({ totalAmount: 7, minAmount: -1007, maxAmount: 890 });
      expect(await storage(true)).toEqual(fromRollups);
    } finally {
      await t.close();
    }
  });

  it('property: reports and deltas dated anywhere, flushed at any point, leave every rollup equal to its raw rows', async () => {
    const op = fc.record({
      backend: fc.constantFrom('a', 'b'),
      kind: fc.constantFrom('report', 'report', 'delta', 'upload'),
      // Within two days, often in the same few minutes (or on their edges, every 15 s), so backdated reports
      // share buckets with stored ones.
      at: fc.oneof(
        fc.integer({ min: 0, max: 2 * 24 * HOUR - 1 }),
        fc.integer({ min: 0, max: 3 * MIN }),
        fc.integer({ min: 0, max: 12 }).map((n) => n * 15 * SEC),
      ),
      amount: fc.integer({ min: 0, max: 1_000_000 }),
      flush: fc.boolean(),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const store = await newStore(`p${run++}`);
        const t = open(store);
        try {
          for (const o of ops) {
            const timestamp = NOW - 2 * 24 * HOUR + o.at;
            if (o.kind === 'report') t.setStorageLevel(o.backend, 'local', o.amount, { timestamp });
            else if (o.kind === 'delta') t.trackStorageUsage(o.backend, 'local', o.amount, { timestamp });
            else t.trackBandwidthUpload(o.backend, 'local', o.amount, { timestamp });
            if (o.flush) expect((await t.flush()).error).toBeUndefined();
          }
          expect((await t.flush()).error).toBeUndefined();
          await expectRollupsOfRawRows(store);
        } finally {
          await t.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('two writers backdating reports into the same buckets at once end exact', async () => {
    const store = await newStore('writers');
    const writers = [open(store), open(store)];
    try {
      await Promise.all(writers.map((w) => w.ready));
      // Stored reports for the backdated ones to land before: each minute of the hour before NOW - HOUR.
      for (let m = 0; m < 60; m += 5)
        writers[0]!.setStorageLevel('hot', 'local', 1000 + m, { timestamp: NOW - 2 * HOUR + m * MIN });
      expect((await writers[0]!.flush()).error).toBeUndefined();
      await Promise.all(
        writers.map(async (w, n) => {
          for (let round = 0; round < 12; round++) {
            for (let i = 0; i < 4; i++) {
              const at = ((round * 7 + i * 13 + n * 29) % 60) * MIN + ((round + n) % 50) * SEC + n;
              w.setStorageLevel('hot', 'local', (round * 131 + i * 17 + n * 7) % 2000, {
                timestamp: NOW - 2 * HOUR + at,
              });
              w.trackStorageUsage('hot', 'local', 1 + i + n, { timestamp: NOW - 2 * HOUR + at + 1 });
            }
            expect((await w.flush()).error).toBeUndefined();
          }
        }),
      );
      await expectRollupsOfRawRows(store);
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  }, 120_000);

  it.runIf(dialect === 'postgres')(
    "waits for the backend's state row before it reads or changes the stored report and its rollups",
    async () => {
      const store = await newStore('locked');
      const t = open(store);
      const admin = new pg.Client({ connectionString: store.databaseUrl });
      await admin.connect();
      try {
        t.trackStorageUsage('s', 's3', 10, { timestamp: NOW - 3 * HOUR });
        t.setStorageLevel('s', 's3', 1000, { timestamp: NOW - HOUR });
        expect((await t.flush()).error).toBeUndefined();
        const before = await snapshotStore(store);
        // Another writer's batch on the backend, in the middle of its transaction.
        await admin.query('begin');
        await admin.query('select * from backend_state for update');
        t.setStorageLevel('s', 's3', 500, { timestamp: NOW - 2 * HOUR });
        const flushed = t.flush();
        for (let i = 0; ; i++) {
          await admin.query('select pg_stat_clear_snapshot()');
          const { rows } = await admin.query(
            `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
              and query like '%for update%' and pid <> pg_backend_pid()`,
          );
          if (rows.length > 0) break;
          if (i === 400) throw new Error('the backdated batch did not wait for the state row');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(await snapshotStore(store)).toBe(before);
        await admin.query('commit');
        expect((await flushed).error).toBeUndefined();
        await expectRollupsOfRawRows(store);
      } finally {
        await admin.end();
        await t.close();
      }
    },
  );

  it("once part of a quarter's minute rollups is pruned, the coarser grains still follow the raw rows", async () => {
    const store = await newStore('minutes-pruned');
    // Minute rollups for 65 minutes, raw rows for ever: the first flush prunes the minutes before 10:55,
    // so the quarter 10:45–11:00 keeps some of its minutes only.
    const t = open(store, { minuteRetentionMs: 65 * MIN, rawRetentionMs: null });
    try {
      t.trackStorageUsage('s', 's3', 1, { timestamp: NOW - 73 * MIN }); // 10:47:30, the quarter's smallest
      t.setStorageLevel('s', 's3', 1000, { timestamp: NOW - 64 * MIN }); // +999
      t.trackStorageUsage('s', 's3', 3, { timestamp: NOW - 63 * MIN });
      expect((await t.flush()).error).toBeUndefined();
      const minutes = await queryStore<{ bucket: number }>(store, 'select bucket from rollups where level = 1');
      expect(minutes.map((r) => Number(r.bucket)).sort()).toEqual([
        NOW - 64 * MIN - 30 * SEC,
        NOW - 63 * MIN - 30 * SEC,
      ]);
      // Level 1 then (+994): the stored report now implies +5.
      t.setStorageLevel('s', 's3', 995, { timestamp: NOW - 65 * MIN });
      expect((await t.flush()).error).toBeUndefined();
      const { stored, fromRaw } = await storageRollups(store);
      expect(ofGrains(stored, [2, 3, 4])).toEqual(ofGrains(fromRaw, [2, 3, 4]));
      for (const [key, cell] of ofGrains(stored, [1])) expect(cell).toEqual(fromRaw.get(key));
      expect(stored.get(`2:${NOW - 75 * MIN - 30 * SEC}:1`)).toMatchObject({ count: 4, min: 1, max: 994 });
    } finally {
      await t.close();
    }
  });

  it("where retention removed part of a minute's raw rows, min and max still hold the amounts kept in rollups only", async () => {
    const store = await newStore('raw-edge');
    // Raw rows for 1 hour: the minute at NOW - 1 h (11:00) is kept raw from its 30th second only.
    const t = open(store, { rawRetentionMs: HOUR });
    try {
      // In rollups only (dated before the raw retention), the largest amount of its minute.
      t.trackStorageUsage('s', 's3', 7000, { timestamp: NOW - HOUR - 20 * SEC });
      t.setStorageLevel('s', 's3', 7100, { timestamp: NOW - HOUR + 20 * SEC });
      expect((await t.flush()).error).toBeUndefined();
      // At a whole minute before (level 0 then, so +50; rollups only too): the stored report now implies +50.
      // The minute's raw rows then hold 50 only, its rollup also the 7000 kept without a raw row.
      t.setStorageLevel('s', 's3', 50, { timestamp: NOW - HOUR - 90 * SEC });
      expect((await t.flush()).error).toBeUndefined();
      expect((await t.getBackendStatus('s')).s?.currentStorageUsageBytes).toBe(7100);
      const { stored } = await storageRollups(store);
      // The minute, quarter and hour starting at 11:00, and the day.
      const at = (grain: number, ts: number, backendId: number) =>
        stored.get(`${grain}:${Math.floor(ts / grainSize(grain)) * grainSize(grain)}:${backendId}`);
      for (const grain of [1, 2, 3])
        expect(at(grain, NOW - HOUR, 1)).toMatchObject({ count: 2, total: 7050, min: 50, max: 7000 });
      expect(at(4, NOW, 1)).toMatchObject({ count: 3, total: 7100, min: 50, max: 7000 });

      // A quarter missing a raw row but none of its minutes is exact: its min and max come from the minutes.
      t.trackStorageUsage('t', 's3', 10, { timestamp: NOW - HOUR - 20 * SEC }); // 11:00:10, rollups only
      t.setStorageLevel('t', 's3', 1000, { timestamp: NOW - HOUR + 4 * MIN + 30 * SEC }); // 11:05, +990
      expect((await t.flush()).error).toBeUndefined();
      t.setStorageLevel('t', 's3', 500, { timestamp: NOW - HOUR + 3 * MIN + 30 * SEC }); // 11:04, +490: 11:05 is +500
      expect((await t.flush()).error).toBeUndefined();
      const after = (await storageRollups(store)).stored;
      const quarter = Math.floor((NOW - HOUR) / grainSize(2)) * grainSize(2);
      expect(after.get(`2:${quarter}:2`)).toMatchObject({ count: 3, total: 1000, min: 10, max: 500 });
      expect(after.get(`3:${quarter}:2`)).toMatchObject({ count: 3, total: 1000, min: 10, max: 500 });
    } finally {
      await t.close();
    }
  });

  it('a minute row a prune deleted and a rollups-only event created again keeps min and max within its own events (its raw rows match its count, not its sum)', async () => {
    const store = await newStore('recreated');
    // Raw edge at 10:00:30 (inside minute 10:00); minutes before ~10:54 are pruned.
    const t = open(store, {
      rawRetentionMs: 2 * HOUR,
      minuteRetentionMs: 65 * MIN,
    });
    const M = NOW - 2 * HOUR - 30 * SEC; // 10:00:00
    try {
      t.setStorageLevel('s', 's3', 1000, { timestamp: M + 40 * SEC }); // raw, +1000
      expect((await t.flush()).error).toBeUndefined(); // the prune after it deletes minute 10:00
      expect(await queryStore(store, `select 1 from rollups where level = 1 and bucket = ${M}`)).toEqual([]);
      t.trackStorageUsage('s', 's3', 5, { timestamp: M + 10 * SEC }); // rollups only: recreates minute 10:00, count 1
      expect((await t.flush()).error).toBeUndefined();
      t.setStorageLevel('s', 's3', 300, { timestamp: M + 35 * SEC }); // raw, before the stored report
      expect((await t.flush()).error).toBeUndefined();
      const [row] = await queryStore<Record<string, unknown>>(
        store,
        `select count, total, min, max from rollups where level = 1 and bucket = ${M} and resource = ${STORAGE}`,
      );
      // The row counts the 5 (rollups only) and the backdated report: its min must not exceed 5.
      expect(Number(row!.min)).toBeLessThanOrEqual(5);
    } finally {
      await t.close();
    }
  });
});
