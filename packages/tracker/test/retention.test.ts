import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/db/runner.js';
import { openResourceTracker, type Period } from '../src/index.js';
import { MINUTE_GRAIN } from '../src/rollup/grains.js';
import { TrackerFile } from '../src/tracker/lifecycle.js';
import { PostgresStore } from '../src/tracker/postgres-store.js';
import { Retention } from '../src/tracker/retention.js';
import { countRows } from './support/db-snapshot.js';
import { recordRef } from './support/record-ref.js';
import {
  comparableSummary,
  expectedSeries,
  expectedSummary,
  type RefEvent,
  snappedEdge,
} from './support/reference-model.js';
import { countStoreRows, describeEachDialect, newStore, queryStore } from './support/stores.js';
import { fixedClock, tempDbPaths } from './support/temp-db.js';
import { isoInZone, periodBounds } from './support/zone-reference.js';

// Data older than the raw retention (and than the minute rollups) is kept only as rollups: calendar
// periods must stay exact, and explicit ranges say which (snapped) range they summed.

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345; // not on any minute mark
const RAW_RETENTION = HOUR;
const MINUTE_RETENTION = 3 * DAY;
const dbPath = tempDbPaths('retention');

/** Deterministic pseudo-random numbers (mulberry32), so the data is varied but reproducible. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function backdatedEvents(n: number): RefEvent[] {
  const rnd = random(42);
  const events: RefEvent[] = [];
  for (let i = 0; i < n; i++) {
    // Over the last 70 days, most far past the raw retention; a few inside it.
    const age = i % 50 === 0 ? Math.floor(rnd() * RAW_RETENTION) : Math.floor(rnd() * 70 * DAY);
    const upload = rnd() < 0.5;
    events.push({
      ts: NOW - age,
      backend: upload ? 'bucket' : 'pins',
      backendType: upload ? 's3' : 'ipfs',
      resourceType: upload ? 'bandwidth_upload' : 'bandwidth_download',
      amount: 1 + Math.floor(rnd() * 1_000_000),
      success: rnd() < 0.9,
    });
  }
  return events;
}

describeEachDialect('retention', () => {
  describe('data older than the raw retention', { timeout: 30_000 }, () => {
    const events = backdatedEvents(4000);

    async function open() {
      const path = await newStore('old');
      const tracker = openResourceTracker({
        ...path,
        clock: () => NOW,
        rawRetentionMs: RAW_RETENTION,
        minuteRetentionMs: MINUTE_RETENTION,
        flushOnExit: false,
      });
      for (const e of events) recordRef(tracker, e);
      const flushed = await tracker.flush();
      expect(flushed).toEqual({ written: events.length, duplicates: 0 });
      return { tracker, path };
    }

    it('keeps raw rows only inside the retention, yet calendar periods in any zone stay exact', async () => {
      const { tracker, path } = await open();
      try {
        expect(await countStoreRows(path, 'events')).toBe(events.filter((e) => e.ts >= NOW - RAW_RETENTION).length);
        for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide']) {
          for (const period of ['hour', 'day', 'week', 'month'] as Period[]) {
            for (const age of [2 * HOUR, 5 * DAY, 26 * DAY, 40 * DAY, 60 * DAY]) {
              const at = NOW - age;
              const { start, end } = periodBounds(at, period, zone);
              const s = await tracker.getResourceSummary({ period, at: new Date(at), timezone: zone });
              expect(s.periodStart).toBe(isoInZone(start, zone));
              expect(s.periodEnd).toBe(isoInZone(end, zone));
              expect(comparableSummary(s.backends)).toEqual(expectedSummary(events, start, end));
            }
          }
        }
      } finally {
        await tracker.close();
      }
    });

    it('snaps explicit edges inside old data to the minute, then the quarter hour, and sums that range', async () => {
      const { tracker } = await open();
      const rawFrom = NOW - RAW_RETENTION;
      const minuteFrom = NOW - MINUTE_RETENTION;
      try {
        const cases: [number, number][] = [
          [NOW - 2 * DAY - 17_777, NOW - 5 * HOUR - 31_001], // both inside minute rollups: snap to minutes
          [NOW - 20 * DAY - 7 * 60_000 - 5_555, NOW - 2 * DAY - 3_333], // from past minute rollups: quarter
          [NOW - 50 * DAY - 1, NOW - 40 * DAY + 1], // both past: quarters
          [NOW - 3 * HOUR - 1_234, NOW - 10 * 60_000 - 77], // to inside the raw retention: exact
        ];
        for (const [from, to] of cases) {
          const sFrom = snappedEdge(from, rawFrom, minuteFrom);
          const sTo = snappedEdge(to, rawFrom, minuteFrom);
          expect(sFrom).toBeLessThanOrEqual(from);
          for (const zone of ['UTC', 'Asia/Kathmandu']) {
            const s = await tracker.getResourceSummary({ from: new Date(from), to: new Date(to), timezone: zone });
            expect(s.periodStart).toBe(isoInZone(sFrom, zone));
            expect(s.periodEnd).toBe(isoInZone(sTo, zone));
            expect(comparableSummary(s.backends)).toEqual(expectedSummary(events, sFrom, sTo));
          }
        }
        // The snapping is real: the first case moved both edges, the last kept its raw-retained end.
        expect(snappedEdge(cases[0]![0], rawFrom, minuteFrom) % 60_000).toBe(0);
        expect(snappedEdge(cases[1]![0], rawFrom, minuteFrom) % 900_000).toBe(0);
        expect(snappedEdge(cases[3]![1], rawFrom, minuteFrom)).toBe(cases[3]![1]);
      } finally {
        await tracker.close();
      }
    });

    it('hour and day series over old data in a +05:45 zone are exact', async () => {
      const { tracker } = await open();
      try {
        const from = NOW - 45 * DAY;
        const to = NOW - 30 * DAY;
        // Edges on quarter marks, as calendar buckets are: no snapping.
        const qFrom = Math.floor(from / 900_000) * 900_000;
        const qTo = Math.floor(to / 900_000) * 900_000;
        for (const granularity of ['hour', 'day'] as const) {
          const points = await tracker.getTimeSeries({
            resourceType: 'bandwidth_upload',
            granularity,
            from: new Date(qFrom),
            to: new Date(qTo),
            timezone: 'Asia/Kathmandu',
          });
          const expected = expectedSeries(events, 'bandwidth_upload', granularity, qFrom, qTo, 'Asia/Kathmandu');
          expect(expected.length).toBeGreaterThan(0);
          expect(points.map((p) => [Date.parse(p.bucketStart), p.backend, p.totalAmount, p.operationCount])).toEqual(
            expected.map((p) => [p.bucketStart, p.backend, p.totalAmount, p.operationCount]),
          );
        }
      } finally {
        await tracker.close();
      }
    });
  });
});

describeEachDialect('retention slices', () => {
  it('deletes at most one slice of raw rows per transaction, late events (new ids, old times) included', async () => {
    const store = await newStore('slices');
    const tracker = openResourceTracker({
      ...store,
      clock: () => NOW,
      rawRetentionMs: RAW_RETENTION,
      flushOnExit: false,
    });
    try {
      // 3,000 events a second apart in time order, then 150 late ones with new ids and the oldest times.
      for (let i = 0; i < 3000; i++)
        tracker.trackApiCall('a', 's3', { timestamp: NOW - RAW_RETENTION + 10_000 + i * 1_000 });
      expect((await tracker.flush()).error).toBeUndefined();
      for (let i = 0; i < 150; i++) tracker.trackApiCall('b', 's3', { timestamp: NOW - RAW_RETENTION + 1_000 + i });
      expect((await tracker.flush()).error).toBeUndefined();
    } finally {
      await tracker.close();
    }
    if (store.databaseUrl) await queryStore(store, 'analyze events');
    const file = store.databaseUrl ? new PostgresStore(store.databaseUrl) : new TrackerFile(store.path!, 5_000);
    try {
      await file.ready;
      const { db, runner } = file;
      // Every write transaction of the prune, with the raw rows it removed counted inside it.
      const removed: number[] = [];
      const count = () => sql<{ n: number | string }>`select count(*) as n from events`.compile(db);
      const counting = {
        read: runner.read.bind(runner),
        write: <T>(plan: () => Plan<T>) =>
          runner.write(function* () {
            // Planned as at 100M rows, where expired rows are found through events_ts, not a table scan.
            if (store.databaseUrl) yield sql`set local enable_seqscan = off`.compile(db);
            const [before] = (yield count()) as { n: number | string }[];
            const result = yield* plan();
            const [after] = (yield count()) as { n: number | string }[];
            removed.push(Number(before!.n) - Number(after!.n));
            return result;
          }),
      };
      const slice = 40;
      const retention = new Retention(db, counting, RAW_RETENTION, 3 * DAY, DAY, slice);
      const later = NOW + 3 * 60_000; // the late events and the oldest 170 others expire
      await retention.pruneIfDue(later);
      const cutoff = later - RAW_RETENTION;
      const left = await queryStore<{ ts: number | string }>(store, 'select ts from events order by ts');
      // SQLite keeps the row of the highest id (the last late event, expired) until a newer row exists: its
      // id would be handed out again (retention.ts).
      const kept = store.databaseUrl ? 0 : 1;
      expect(left.length).toBe(3000 - 170 + kept);
      expect(left.filter((r) => Number(r.ts) < cutoff).length).toBe(kept);
      const expired = 3150 - left.length;
      expect(Math.max(...removed)).toBe(slice);
      expect(removed.reduce((a, b) => a + b, 0)).toBe(expired);
      // Every slice full but the last (and the rollups-only prune after it).
      expect(removed.filter((n) => n > 0)).toEqual([
        ...Array.from({ length: Math.floor(expired / slice) }, () => slice),
        ...(expired % slice ? [expired % slice] : []),
      ]);
    } finally {
      await file.close();
    }
  });
});

describeEachDialect('minute rollup slices', () => {
  it('deletes expired minute rollups a bounded slice of whole minutes per transaction, and nothing coarser', async () => {
    const store = await newStore('minute-slices');
    const tracker = openResourceTracker({ ...store, clock: () => NOW, rawRetentionMs: null, flushOnExit: false });
    try {
      // 300 minutes, two backends each, all past the minute retention: 600 minute rows to delete.
      for (let i = 0; i < 300; i++) {
        const timestamp = NOW - MINUTE_RETENTION - 2 * DAY + i * 60_000;
        tracker.trackApiCall('a', 's3', { timestamp });
        tracker.trackApiCall('b', 's3', { timestamp });
      }
      tracker.trackApiCall('a', 's3', { timestamp: NOW - 1_000 });
      expect((await tracker.flush()).error).toBeUndefined();
    } finally {
      await tracker.close();
    }
    const minuteRows = async (before: number) =>
      Number(
        (
          await queryStore<{ n: number | string }>(
            store,
            `select count(*) as n from rollups where level = ${MINUTE_GRAIN} and bucket < ${before}`,
          )
        )[0]!.n,
      );
    const coarser = () => queryStore(store, `select * from rollups where level <> ${MINUTE_GRAIN} order by 1, 2, 3, 4`);
    const coarserBefore = await coarser();
    const removed: number[] = [];
    const file = store.databaseUrl ? new PostgresStore(store.databaseUrl) : new TrackerFile(store.path!, 5_000);
    try {
      await file.ready;
      const count = () =>
        sql<{ n: number | string }>`select count(*) as n from rollups where level = ${MINUTE_GRAIN}`.compile(file.db);
      const counting = {
        read: file.runner.read.bind(file.runner),
        write: <T>(plan: () => Plan<T>) =>
          file.runner.write(function* () {
            const [before] = (yield count()) as { n: number | string }[];
            const result = yield* plan();
            const [after] = (yield count()) as { n: number | string }[];
            removed.push(Number(before!.n) - Number(after!.n));
            return result;
          }),
      };
      const slice = 41; // not a multiple of a minute's 2 rows: a slice ends inside a minute and takes all of it
      await new Retention(file.db, counting, null, MINUTE_RETENTION, DAY, slice).pruneIfDue(NOW);
    } finally {
      await file.close();
    }
    expect(await minuteRows(NOW - MINUTE_RETENTION)).toBe(0);
    expect(await minuteRows(NOW)).toBe(1);
    // Keys first (nothing), then 14 slices of 21 whole minutes, and the last 6 minutes.
    const minutes = removed.filter((n) => n > 0);
    expect(minutes).toEqual([...Array.from({ length: 14 }, () => 42), 12]);
    expect(await coarser()).toEqual(coarserBefore);
  });
});

describeEachDialect('retention and new ids', () => {
  it('never gives the id of a deleted newest row to a new event: a feed cursor at it still sees the event', async () => {
    const store = await newStore('reused-id');
    let now = NOW;
    const tracker = openResourceTracker({
      ...store,
      clock: () => now,
      rawRetentionMs: RAW_RETENTION,
      flushOnExit: false,
    });
    try {
      tracker.trackApiCall('a', 's3', { timestamp: now - RAW_RETENTION + 30_000, operationId: 'e1' });
      expect((await tracker.flush()).error).toBeUndefined();
      const { cursor } = await tracker.getEventFeed({});
      // e1 expires; the next flush prunes it, the newest (and only) raw row.
      now += 2 * 60_000;
      tracker.trackApiCall('a', 's3', { timestamp: now - 2 * RAW_RETENTION, operationId: 'e2' });
      expect((await tracker.flush()).error).toBeUndefined();
      tracker.trackApiCall('a', 's3', { operationId: 'e3' });
      expect((await tracker.flush()).error).toBeUndefined();
      const page = await tracker.getEventFeed({ after: cursor });
      expect(page.events.map((e) => e.operationId)).toEqual(['e3']);
      // The kept expired row goes once a newer one exists; the summary never counted it twice.
      now += 2 * 60_000;
      tracker.trackApiCall('a', 's3', { operationId: 'e4' });
      expect((await tracker.flush()).error).toBeUndefined();
      // From the start (on PostgreSQL the history below the base, then the commit log: page until it stops).
      const all: (string | null | undefined)[] = [];
      for (let after = 0; ; ) {
        const next = await tracker.getEventFeed({ after });
        all.push(...next.events.map((e) => e.operationId));
        if (next.cursor === after) break;
        after = next.cursor;
      }
      expect(all).toEqual(['e3', 'e4']);
    } finally {
      await tracker.close();
    }
  });
});

// SQLite only: the failure is a trigger written into the file through a second connection.
describe('a retention prune that fails (sqlite)', () => {
  it('leaves the batch it follows written once: the write is not retried, the failure is reported', async () => {
    const path = dbPath('prune-fails.db');
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ path, clock: clock.now, rawRetentionMs: RAW_RETENTION, flushOnExit: false });
    try {
      tracker.trackApiCall('pins', 'ipfs', { timestamp: NOW - 10_000 });
      expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
      // A real SQLite failure in the prune only: deleting raw events is refused, writing them is not.
      const other = new Database(path);
      other.exec(
        "create trigger refuse_prune before delete on events begin select raise(abort, 'prune refused by the test'); end",
      );
      other.close();
      clock.advance(2 * RAW_RETENTION); // the first event is now past the raw retention, and a prune is due
      tracker.trackApiCall('pins', 'ipfs');
      const flushed = await tracker.flush();
      expect(flushed.written).toBe(1);
      expect(flushed.error?.message).toContain('prune refused by the test');
      expect(tracker.pendingCount).toBe(0);
      const summary = await tracker.getResourceSummary({ from: new Date(NOW - HOUR), to: new Date(clock.now() + 1) });
      expect(summary.totals.apiCalls).toBe(2);
      expect(countRows(path, 'events')).toBe(2);
    } finally {
      await tracker.close();
    }
  });
});

// SQLite only: its slices run synchronously on the event loop and hold the file's one write lock, so the
// prune pauses between them; PostgreSQL's do not block writers and run back to back.
describe('retention slices on SQLite', () => {
  it('pause between slices, so this process and other writers get turns while a backlog goes', async () => {
    const path = dbPath('slice-pauses.db');
    const tracker = openResourceTracker({ path, clock: () => NOW, rawRetentionMs: null, flushOnExit: false });
    try {
      for (let i = 0; i < 200; i++) tracker.trackApiCall('a', 's3', { timestamp: NOW - 2 * RAW_RETENTION + i });
      tracker.trackApiCall('a', 's3', { timestamp: NOW });
      expect((await tracker.flush()).error).toBeUndefined();
    } finally {
      await tracker.close();
    }
    const file = new TrackerFile(path, 5_000);
    try {
      await file.ready;
      const slice = 20;
      let slices = 0;
      let ticksBetween = 0;
      let ticks = 0;
      const counting = {
        read: file.runner.read.bind(file.runner),
        write: <T>(plan: () => Plan<T>) => {
          // Macrotasks (timers) that ran since the previous slice ended: only a pause lets one run.
          if (slices > 0) ticksBetween += ticks > 0 ? 1 : 0;
          ticks = 0;
          slices++;
          return file.runner.write(plan);
        },
      };
      const timer = setInterval(() => ticks++, 0);
      try {
        await new Retention(file.db, counting, RAW_RETENTION, 3 * DAY, DAY, slice).pruneIfDue(NOW);
      } finally {
        clearInterval(timer);
      }
      // 200 expired rows: 10 full slices and one that finds none, then the keys and the minute rollups.
      expect(countRows(path, 'events')).toBe(1);
      expect(slices).toBe(13);
      // A turn for timers between every two raw-event slices (the 10 after a full one).
      expect(ticksBetween).toBeGreaterThanOrEqual(10);
    } finally {
      await file.close();
    }
  });
});
