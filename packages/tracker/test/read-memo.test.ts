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
      const page = await reader.getResourceUsage({ hoursBack: 1, limit: 1, ...q });
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
        expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(5);
        expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(5);
        expect(rollupReads()).toBe(afterFirst);
        // A write by plain SQL on another connection, outside any tracker: the next read sees it.
        await queryStore(store, 'update rollups set total = total + 1 where resource = 1');
        expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBeGreaterThan(5);
        expect(rollupReads()).toBeGreaterThan(afterFirst);
      } finally {
        spy.mockRestore();
        await tracker.close();
      }
    });
  }
});
