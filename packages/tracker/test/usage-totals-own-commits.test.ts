import Sqlite from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import type { UsageQuery } from '../src/query/get-resource-usage.js';
import { RESOURCE_TYPES } from '../src/types.js';
import { random } from './support/month-of-usage.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Drill-down totals kept between reads are brought past this tracker's own flushes by adding the rows it
// wrote (tracker/usage-totals-delta.ts). Every answer must equal what a tracker keeping nothing reads, over
// random batches: new backends, every resource, failures, paths, edges at odd milliseconds, backdated level
// reports (which change stored rows, so kept totals are dropped instead).

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;
const HOUR = 3_600_000;

/** Fixed ranges (kept whole) with every filter, edges on and off bucket marks. */
const QUERIES: UsageQuery[] = [
  { from: new Date(NOW - 24 * HOUR + 1), to: new Date(NOW + 1) },
  { from: new Date(NOW - 3 * HOUR), to: new Date(NOW - HOUR) },
  { from: new Date(NOW - 2 * HOUR + 777), to: new Date(NOW - 1234), backend: 'b1' },
  { from: new Date(NOW - 5 * HOUR), to: new Date(NOW + 1), backendType: 'local' },
  { from: new Date(NOW - 5 * HOUR), to: new Date(NOW + 1), backend: 'b9' },
  { from: new Date(NOW - 4 * HOUR + 31), to: new Date(NOW + 1), resourceType: 'bandwidth_upload' },
  { from: new Date(NOW - 4 * HOUR), to: new Date(NOW + 1), resourceType: 'storage_used', backend: 'b0' },
  { from: new Date(NOW - 4 * HOUR), to: new Date(NOW + 1), success: false },
  { from: new Date(NOW - 4 * HOUR), to: new Date(NOW + 1), pathPrefix: 'cats/' },
  { from: new Date(NOW - 4 * HOUR), to: new Date(NOW + 1), pathPrefix: 'ü/' },
];

/**
 * Ranges ending at the clock, which moves between rounds: their totals are summed from pieces (whole hours,
 * minutes, ten seconds and seconds, kept; the sub-second slivers at both ends, read each time: see
 * totalsPieces), shorter than an hour or a minute, and long enough for all.
 */
const MOVING: UsageQuery[] = [
  { hoursBack: 24 },
  { hoursBack: 3, backend: 'b1' },
  { hoursBack: 0.5, resourceType: 'api_calls' },
  { hoursBack: 0.01 },
  { from: new Date(NOW - 5 * HOUR + 777) },
  { hoursBack: 2, pathPrefix: 'cats/' },
  { hoursBack: 4, success: false, backendType: 's3' },
];

const read = (t: ResourceTracker, q: UsageQuery) => t.getResourceUsage({ ...q, limit: 3 });

describeEachDialect('drill-down totals past own commits', (dialect) => {
  it('equal what a tracker keeping nothing reads, batch after random batch', async () => {
    const store = await newStore('random');
    const clock = fixedClock(NOW);
    const kept = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const plain = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false, memoizeSummaries: false });
    // Statements that compute totals (sums over rollups or raw rows): a page from kept totals runs none.
    const proto = Object.getPrototypeOf(new Sqlite(':memory:').prepare('select 1')) as { all: () => unknown };
    const spy = vi.spyOn(proto, 'all');
    const totalsReads = () => spy.mock.contexts.filter((s) => /\bsum\(/.test((s as { source: string }).source)).length;
    const next = random(dialect === 'sqlite' ? 13 : 17);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let levelReports = 0;
    let additiveRounds = 0;
    try {
      // The reference opens (migrates) first: a flush busy-waiting on its lock would block it from finishing.
      await plain.ready;
      for (const q of [...QUERIES, ...MOVING]) await read(kept, q);
      for (let round = 0; round < 40; round++) {
        let levelInRound = false;
        // Often within the minute, sometimes past a second, ten-second, minute, quarter or hour mark.
        clock.advance(pick([0, 1, 1234, 9_999, 10_000, 30_000, 60_000, 7 * 60_000 + 1, 15 * 60_000, HOUR - 1]));
        const at = clock.now();
        // Every third round also writes through ingestBatch (the API's path), its own transaction.
        const batch: unknown[] = [];
        const viaBatch = round % 3 === 2;
        for (let i = Math.floor(next() * 40); i >= 0; i--) {
          const backend = `b${Math.floor(next() * (3 + round / 2))}`;
          const type = Number(backend.slice(1)) % 2 === 0 ? 's3' : 'local';
          // Mostly inside the last hours, some on the ranges' edges, a few outside every range.
          // The moving ranges' edges (at - 24 h + 1 is the first millisecond of the last 24 hours) and marks.
          const mark = pick([1_000, 10_000]);
          const ts = pick([
            NOW - Math.floor(next() * 5 * HOUR),
            NOW - 2 * HOUR + 777 + pick([-1, 0, 1]),
            NOW - 1234 + pick([-1, 0, 1]),
            NOW + pick([0, 1]),
            NOW - 30 * HOUR,
            at - Math.floor(next() * 25 * HOUR),
            at - Math.floor(next() * 2 * 60_000),
            at - 24 * HOUR + pick([0, 1, 2]),
            at - 3 * HOUR + pick([0, 1, 2]),
            Math.floor(at / HOUR) * HOUR - pick([0, 1]),
            Math.floor(at / 60_000) * 60_000 - pick([0, 1]),
            // The second and ten-second marks the moving ranges are cut at, at both ends.
            Math.floor(at / mark) * mark - pick([0, 1]),
            Math.ceil((at - pick([24, 3, 0.5]) * HOUR) / 10_000) * 10_000 + pick([-1, 0, 1]),
            Math.ceil((at - 5 * HOUR + 777) / 1_000) * 1_000 + pick([-1, 0, 1]),
            at + pick([0, 1]),
          ]);
          const resourceType = pick(RESOURCE_TYPES);
          const success = next() < 0.8;
          const path = pick([undefined, 'cats/a.jpg', 'cat', 'ü/x', 'dogs/b']);
          const opts = { timestamp: ts, success, ...(path ? { path } : {}) };
          if (resourceType === 'storage_used' && next() < 0.15) {
            // A level report dated before a stored one changes that one's change: kept totals are read again.
            levelInRound = true;
            kept.setStorageLevel(backend, type, Math.floor(next() * 10_000), opts);
            levelReports++;
          } else if (viaBatch) {
            const amount = Math.floor(next() * (resourceType === 'storage_used' ? 500 : 9000));
            batch.push({ backend, backendType: type, resourceType, amount, ...opts });
          } else if (resourceType === 'storage_used') {
            kept.trackStorageUsage(backend, type, Math.floor(next() * 500), opts);
          } else {
            kept.trackResourceUsage({
              backend,
              backendType: type,
              resourceType,
              amount: Math.floor(next() * 9000),
              ...opts,
            });
          }
        }
        if (batch.length > 0) expect((await kept.ingestBatch(batch)).rejected).toEqual([]);
        expect((await kept.flush()).error).toBeUndefined();
        const before = totalsReads();
        const mine = [];
        for (const q of QUERIES) mine.push(await read(kept, q));
        const keptReads = totalsReads() - before;
        for (const q of MOVING) mine.push(await read(kept, q));
        // Read again at the same clock: only the slivers at both ends of each range are read afresh, in one
        // statement (one each with a path or result filter, which rollups cannot answer).
        const again = totalsReads();
        for (const q of MOVING) await read(kept, q);
        const movingReads = totalsReads() - again;
        for (const [i, q] of [...QUERIES, ...MOVING].entries()) {
          const reference = await read(plain, q);
          expect({ round, q, totals: mine[i]!.totals, count: mine[i]!.totalCount }).toEqual({
            round,
            q,
            totals: reference.totals,
            count: reference.totalCount,
          });
        }
        const edgeReads = MOVING.reduce(
          (n, q) => n + (q.pathPrefix !== undefined || q.success !== undefined ? 2 : 1),
          0,
        );
        if (dialect === 'sqlite') expect(movingReads).toBeLessThanOrEqual(edgeReads);
        // A batch without level reports only adds rows: every kept answer is brought past it, none is read.
        if (dialect === 'sqlite' && !levelInRound) {
          expect(keptReads).toBe(0);
          additiveRounds++;
        }
      }
      expect(levelReports).toBeGreaterThan(0);
      if (dialect === 'sqlite') expect(additiveRounds).toBeGreaterThan(10);
    } finally {
      spy.mockRestore();
      await plain.close();
      await kept.close();
    }
  }, 120_000);

  it('reads totals again after another connection’s commit, and after a batch kept in rollups only', async () => {
    const store = await newStore('drop');
    const clock = fixedClock(NOW);
    const kept = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false, rawRetentionMs: 2 * HOUR });
    const other = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const range = { from: new Date(NOW - 5 * HOUR), to: new Date(NOW + 1) };
    const uploads = async () =>
      (await read(kept, range)).totals.find((t) => t.resourceType === 'bandwidth_upload')?.totalAmount ?? 0;
    try {
      kept.trackBandwidthUpload('photos', 's3', 100, { timestamp: NOW - 1000 });
      expect(await uploads()).toBe(100);
      kept.trackBandwidthUpload('photos', 's3', 10, { timestamp: NOW - 900 });
      await kept.flush();
      expect(await uploads()).toBe(110);
      other.trackBandwidthUpload('photos', 's3', 5, { timestamp: NOW - 800 });
      await other.flush();
      expect(await uploads()).toBe(115);
      // Older than the raw retention: in rollups only, which this range (not raw-complete) does not read.
      kept.trackBandwidthUpload('photos', 's3', 1000, { timestamp: NOW - 3 * HOUR });
      kept.trackBandwidthUpload('photos', 's3', 1, { timestamp: NOW - 700 });
      await kept.flush();
      const reference = openResourceTracker({
        ...store,
        clock: clock.now,
        flushOnExit: false,
        rawRetentionMs: 2 * HOUR,
        memoizeSummaries: false,
      });
      try {
        expect((await read(kept, range)).totals).toEqual((await read(reference, range)).totals);
        // Ranges ending at the clock, across the raw retention's edge: each piece is summed as the whole is.
        for (const q of [{ hoursBack: 5 }, { hoursBack: 2.5 }, { hoursBack: 1.5 }]) {
          await read(kept, q);
          clock.advance(61_234);
          expect((await read(kept, q)).totals).toEqual((await read(reference, q)).totals);
        }
      } finally {
        await reference.close();
      }
    } finally {
      await other.close();
      await kept.close();
    }
  });

  it('agree after a level report backdated before another in the same batch, and after a -0 amount', async () => {
    const store = await newStore('backdated');
    const clock = fixedClock(NOW);
    const kept = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const plain = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false, memoizeSummaries: false });
    const range = { from: new Date(Date.UTC(2026, 10, 27, 6)), to: new Date(Date.UTC(2026, 10, 27, 13)) };
    // success: true cannot be answered from rollups (they count failures, not successes' extremes), so it
    // reads the raw rows: the rollups' min and max must be the raw rows' own.
    const fromRaw = { ...range, success: true };
    const storage = async (t: ResourceTracker, q: UsageQuery) =>
      (await read(t, q)).totals.find((x) => x.resourceType === 'storage_used');
    try {
      kept.trackBandwidthUpload('b0', 's3', 5, { timestamp: NOW - 3 * HOUR });
      await kept.flush();
      await read(kept, range); // totals kept
      // The later report (100) becomes 60 once the earlier one (40) is in: no row holds 100 any more.
      kept.setStorageLevel('b0', 's3', 100, { timestamp: NOW - HOUR });
      kept.setStorageLevel('b0', 's3', 40, { timestamp: NOW - 2 * HOUR });
      await kept.flush();
      const answer = await storage(kept, range);
      expect(answer).toMatchObject({ totalAmount: 100, minAmount: 40, maxAmount: 60 });
      expect(await storage(plain, range)).toEqual(answer);
      expect(await storage(plain, fromRaw)).toEqual(answer);

      kept.trackStorageUsage('b0', 's3', -0, { timestamp: NOW - 1000 });
      kept.trackStorageUsage('b0', 's3', 0, { timestamp: NOW - 900 });
      await kept.flush();
      const zero = { from: new Date(NOW - 2000), to: new Date(NOW + 1) };
      expect(await read(kept, zero)).toBeDefined(); // kept from here on
      kept.trackStorageUsage('b0', 's3', -0, { timestamp: NOW - 800 });
      await kept.flush();
      const z = await storage(kept, zero);
      expect(Object.is(z?.minAmount, 0) && Object.is(z?.maxAmount, 0)).toBe(true);
      expect(z).toEqual(await storage(plain, zero));
    } finally {
      await plain.close();
      await kept.close();
    }
  });
});
