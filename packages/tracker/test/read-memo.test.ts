import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { expect, it, vi } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, queryStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Identical summaries between two commits are read once (tracker/read-memo.ts: SQLite's data_version, or on
// PostgreSQL each read's own snapshot); a read after any write, by this tracker or another connection
// (another process on the file, another server's tracker on the database), must still see it.

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) + 12_345;

describeEachDialect('summary memo', (dialect) => {
  it('sees this tracker’s own writes, flushed by the read or before it', async () => {
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ ...(await newStore('own')), clock: clock.now, flushOnExit: false });
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

  it('sees what another connection committed to the same store', async () => {
    const store = await newStore('shared');
    const clock = fixedClock(NOW);
    const reader = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const writer = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
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
    const tracker = openResourceTracker({ ...(await newStore('copy')), clock: clock.now, flushOnExit: false });
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

  it('drill-down totals are kept between commits only: own writes, another connection, each caller a copy', async () => {
    const store = await newStore('page-totals');
    const clock = fixedClock(NOW);
    const reader = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const writer = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const uploads = async (q: Parameters<typeof reader.getResourceUsage>[0] = {}) => {
      // A fixed range (an explicit `to`): the only kind whose first page's totals are kept.
      const page = await reader.getResourceUsage({
        from: new Date(NOW - 3_600_000),
        to: new Date(NOW + 1),
        limit: 1,
        ...q,
      });
      const t = page.totals.find((x) => x.resourceType === 'bandwidth_upload');
      return { total: t?.totalAmount ?? 0, count: page.totalCount, page };
    };
    try {
      reader.trackBandwidthUpload('photos', 's3', 100, { timestamp: NOW - 1000 });
      reader.trackBandwidthUpload('photos', 's3', 10, { timestamp: NOW - 900 });
      const first = await uploads();
      expect(first).toMatchObject({ total: 110, count: 2 });
      first.page.totals[0]!.totalAmount = 0;
      // The next page of the same query: the same totals, not the caller's changed copy.
      expect(await uploads({ cursor: first.page.nextCursor! })).toMatchObject({ total: 110, count: 2 });
      reader.trackBandwidthUpload('photos', 's3', 1, { timestamp: NOW - 800 });
      expect(await uploads()).toMatchObject({ total: 111, count: 3 });
      writer.trackBandwidthUpload('videos', 'local', 5, { timestamp: NOW - 700 });
      await writer.flush();
      expect(await uploads()).toMatchObject({ total: 116, count: 4 });
      // Another filter is another answer; a backend created meanwhile (a commit) is seen by its name.
      expect(await uploads({ backend: 'logs' })).toMatchObject({ total: 0, count: 0 });
      writer.trackBandwidthUpload('logs', 's3', 2, { timestamp: NOW - 600 });
      await writer.flush();
      expect(await uploads({ backend: 'logs' })).toMatchObject({ total: 2, count: 1 });
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('pages of a range that ends at the clock read the first page’s range, however the clock moved', async () => {
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ ...(await newStore('clock-pages')), clock: clock.now, flushOnExit: false });
    try {
      // The oldest event is in the first page's hour only: ten minutes later the window has slid past it.
      tracker.trackApiCall('photos', 's3', { timestamp: NOW - 3_600_000 + 300_000 });
      tracker.trackApiCall('photos', 's3', { timestamp: NOW - 2000 });
      tracker.trackApiCall('photos', 's3', { timestamp: NOW - 1000 });
      const first = await tracker.getResourceUsage({ hoursBack: 1, limit: 2 });
      expect(first.totalCount).toBe(3);
      clock.advance(600_000);
      expect((await tracker.getResourceUsage({ hoursBack: 1, limit: 2 })).totalCount).toBe(2);
      const second = await tracker.getResourceUsage({ hoursBack: 1, limit: 2, cursor: first.nextCursor! });
      expect(second.totalCount).toBe(3);
      expect(second.events.map((e) => Date.parse(String(e.timestamp)))).toEqual([NOW - 3_600_000 + 300_000]);
      // Back from there, the newer page is the first page's own rows, not ones that landed after it.
      tracker.trackApiCall('photos', 's3', { timestamp: NOW + 1000 });
      const back = await tracker.getResourceUsage({ hoursBack: 1, limit: 2, before: second.prevCursor! });
      expect(back.events.map((e) => Date.parse(String(e.timestamp)))).toEqual([NOW - 1000, NOW - 2000]);
      expect(back.totalCount).toBe(3);
      expect(back.prevCursor).toBeNull();
    } finally {
      await tracker.close();
    }
  });

  if (dialect === 'sqlite') {
    it('reads drill-down totals once per fixed range between commits, and again after another connection’s', async () => {
      const store = await newStore('totals-reads');
      const clock = fixedClock(NOW);
      const reader = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
      const writer = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
      // Every statement better-sqlite3 runs: totals sum the raw events at the edges of a range not in whole buckets.
      const proto = Object.getPrototypeOf(new Sqlite(':memory:').prepare('select 1')) as { all: () => unknown };
      const spy = vi.spyOn(proto, 'all');
      const totalsReads = () =>
        spy.mock.contexts.filter((s) => / sum\("?amount"?\) as "total"/.test((s as { source: string }).source)).length;
      const range = { from: new Date(NOW - 3_600_000 + 7), to: new Date(NOW + 1) };
      try {
        for (const t of [100, 200, 300]) reader.trackApiCall('photos', 's3', { timestamp: NOW - t });
        await reader.flush();
        const first = await reader.getResourceUsage({ ...range, limit: 1 });
        expect(first.totalCount).toBe(3);
        const afterFirst = totalsReads();
        expect(afterFirst).toBe(1);
        const second = await reader.getResourceUsage({ ...range, limit: 1, cursor: first.nextCursor! });
        expect(second.totalCount).toBe(3);
        expect(totalsReads()).toBe(afterFirst);
        writer.trackApiCall('photos', 's3', { timestamp: NOW - 50 });
        await writer.flush();
        expect((await reader.getResourceUsage({ ...range, limit: 1, cursor: second.nextCursor! })).totalCount).toBe(4);
        expect(totalsReads()).toBe(afterFirst + 1);
        // The first page of a range ending at the clock sums the raw events before its first second mark and
        // after its last every time, both in one statement (see totalsPieces: the whole seconds, ten seconds
        // and minutes between are kept, the minutes read from rollups); its later pages keep the whole range's
        // totals, read once.
        const clockFirst = await reader.getResourceUsage({ hoursBack: 1, limit: 1 });
        expect(clockFirst.totalCount).toBe(4);
        const afterClockFirst = totalsReads();
        const rollupReads = () =>
          spy.mock.contexts.filter((s) => /from "rollups"/.test((s as { source: string }).source)).length;
        const rollupsBefore = rollupReads();
        await reader.getResourceUsage({ hoursBack: 1, limit: 1 });
        expect(totalsReads()).toBe(afterClockFirst + 1);
        expect(rollupReads()).toBe(rollupsBefore);
        const clockSecond = await reader.getResourceUsage({ hoursBack: 1, limit: 1, cursor: clockFirst.nextCursor! });
        await reader.getResourceUsage({ hoursBack: 1, limit: 1, cursor: clockSecond.nextCursor! });
        expect(totalsReads()).toBe(afterClockFirst + 2);
      } finally {
        spy.mockRestore();
        await writer.close();
        await reader.close();
      }
    });
  }

  if (dialect === 'postgres') {
    it('answers a repeated summary without reading rollups, and any commit on the server, even by SQL, ends it', async () => {
      const store = await newStore('hits');
      const clock = fixedClock(NOW);
      const tracker = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
      const rollupReads = () =>
        spy.mock.calls.filter((args) => {
          const q = args[0] as unknown;
          return /from "rollups"/.test(typeof q === 'string' ? q : String((q as { text?: string } | null)?.text));
        }).length;
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      try {
        tracker.trackBandwidthUpload('photos', 's3', 5);
        expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(5);
        const afterFirst = rollupReads();
        expect(afterFirst).toBeGreaterThan(0);
        // On PostgreSQL the memo's key is the server's snapshot, which any commit on the shared server moves
        // (other test files, other databases): a repeat must be answered without rollups at least once in 20.
        let hit = false;
        for (let i = 0; i < 20 && !hit; i++) {
          const before = rollupReads();
          expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(5);
          hit = rollupReads() === before;
        }
        expect(hit).toBe(true);
        // A write by plain SQL on another connection, outside any tracker: the next read sees it.
        const beforeWrite = rollupReads();
        await queryStore(store, 'update rollups set total = total + 1 where resource = 1');
        expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBeGreaterThan(5);
        expect(rollupReads()).toBeGreaterThan(beforeWrite);
      } finally {
        spy.mockRestore();
        await tracker.close();
      }
    });
  }
});
