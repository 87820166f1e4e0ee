import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import {
  type BackendTotals,
  openResourceTracker,
  RESOURCE_TYPES,
  type ResourceTracker,
  StorageLevelError,
  type TrackEvent,
} from '../src/index.js';
import { backendTotalsRows } from './support/backend-totals-rows.js';
import { describeEachDialect, newStore, type StoreOptions } from './support/stores.js';

// getBackendTotals: all-time counters per backend (what /metrics exposes), equal to a summary over all
// time, exact after a restart and after raw events are pruned (rollups-only mode keeps raw rows one hour).
// They are read from backend_totals (migration 0013), kept in the transaction of every batch: it must stay
// the sum of the day rollups whatever a batch holds (failures, backfills, duplicates, refusals, events kept
// in rollups only, storage reports that rewrite past rollups).

const BEFORE_0013 = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0013-backend-totals') - 1]!;

/** backend_totals equals the day rollups' sums, row for row. */
async function expectTotalsMatchRollups(store: StoreOptions): Promise<void> {
  const { kept, summed } = await backendTotalsRows(store);
  expect(kept).toEqual(summed);
}

/** getBackendTotals as the day rollups' sums say it must be (backends without rows: zeros). */
async function expectedFromRollups(store: StoreOptions, t: ResourceTracker): Promise<BackendTotals[]> {
  const { summed } = await backendTotalsRows(store);
  return (await t.getBackends()).map((b) => {
    const of = (resource: number) => summed.find((r) => r.backend === b.name && r.resource === resource);
    return {
      backend: b.name,
      backendType: b.type,
      uploadBytes: of(1)?.total ?? 0,
      downloadBytes: of(2)?.total ?? 0,
      apiCalls: of(4)?.total ?? 0,
      failedApiCalls: of(4)?.failures ?? 0,
      operationCostMicros: of(5)?.total ?? 0,
    };
  });
}

function openDb(store: StoreOptions): Kysely<any> {
  return store.databaseUrl ? openPostgres(store.databaseUrl).db : openSqlite(store.path!, 5000).db;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 10, 12, 0, 0);

describeEachDialect('backend-totals', () => {
  describe('getBackendTotals', () => {
    it('equals an all-time summary, across days, failures, a restart and raw pruning', async () => {
      const path = await newStore('totals');
      const clock = () => NOW;
      const t = openResourceTracker({ ...path, clock, mode: 'rollups-only', flushOnExit: false });
      expect(await t.getBackendTotals()).toEqual([]);
      for (let day = 0; day < 5; day++) {
        const timestamp = NOW - day * DAY - 3 * HOUR;
        t.trackBandwidthUpload('photos', 's3', 1000 + day, { timestamp });
        t.trackBandwidthDownload('photos', 's3', 70 * day, { timestamp });
        t.trackApiCall('photos', 's3', { timestamp, success: day % 2 === 0 });
        t.trackApiCall('models', 'huggingface', { timestamp: timestamp + 1 });
        t.trackCost('models', 'huggingface', 12.5, { timestamp });
      }
      t.trackStorageUsage('photos', 's3', 5000);
      const totals = await t.getBackendTotals();
      const summary = await t.getResourceSummary({ from: new Date(NOW - 30 * DAY), to: new Date(NOW + HOUR) });
      expect(totals).toEqual([
        {
          backend: 'models',
          backendType: 'huggingface',
          uploadBytes: 0,
          downloadBytes: 0,
          apiCalls: 5,
          failedApiCalls: 0,
          operationCostMicros: summary.totals.operationCostMicros,
        },
        {
          backend: 'photos',
          backendType: 's3',
          uploadBytes: 5010,
          downloadBytes: 700,
          apiCalls: 5,
          failedApiCalls: 2,
          operationCostMicros: 0,
        },
      ]);
      expect(summary.totals.operationCostMicros).toBeGreaterThan(0);
      const sum = (key: 'uploadBytes' | 'downloadBytes' | 'apiCalls') => totals.reduce((n, b) => n + b[key], 0);
      expect(sum('uploadBytes')).toBe(summary.totals.bandwidthUpload);
      expect(sum('downloadBytes')).toBe(summary.totals.bandwidthDownload);
      expect(sum('apiCalls')).toBe(summary.totals.apiCalls);
      await t.close();

      // A new process, days later: raw events are gone, the counters are not.
      const later = openResourceTracker({
        ...path,
        clock: () => NOW + 3 * DAY,
        mode: 'rollups-only',
        flushOnExit: false,
      });
      expect(await later.getBackendTotals()).toEqual(totals);
      later.trackBandwidthUpload('photos', 's3', 1);
      const after = await later.getBackendTotals();
      expect(after.find((b) => b.backend === 'photos')?.uploadBytes).toBe(5011);
      // That flush pruned the raw events older than the hour rollups-only mode keeps: only the new one is left.
      const raw = await later.getResourceUsage({ from: new Date(NOW - 30 * DAY), to: new Date(NOW + 4 * DAY) });
      expect(raw.totalCount).toBe(1);
      await later.close();
    });

    it("stay the day rollups' sums through failures, backfills, resends, refusals and rollups-only events", async () => {
      const store = await newStore('mixed');
      // Raw rows kept two days: the older events of a batch go to the rollups only.
      const t = openResourceTracker({ ...store, clock: () => NOW, rawRetentionMs: 2 * DAY, flushOnExit: false });
      try {
        t.trackBandwidthUpload('photos', 's3', 100, { timestamp: NOW - HOUR, id: 'u1' });
        t.trackBandwidthUpload('photos', 's3', 50, { timestamp: NOW - 10 * DAY });
        t.trackBandwidthDownload('photos', 's3', 30, { timestamp: NOW - 2 * HOUR });
        t.trackApiCall('photos', 's3', { timestamp: NOW - HOUR, success: false, apiClass: 'a' });
        t.trackApiCall('photos', 's3', { timestamp: NOW - 3 * DAY, apiClass: 'free' });
        t.trackCost('photos', 's3', 2.5, { timestamp: NOW - 5 * DAY });
        t.setStorageLevel('photos', 's3', 1000, { timestamp: NOW - HOUR });
        t.trackApiCall('models', 'huggingface', { timestamp: NOW - 20 * DAY });
        expect(await t.flush()).toEqual({ written: 8, duplicates: 0 });
        await expectTotalsMatchRollups(store);

        // A resend (duplicate, not counted), a refused total (at flush), a refused storage fall (at once), a backdated report that
        // rewrites past storage rollups, and a failure in a minute already holding one.
        t.trackBandwidthUpload('photos', 's3', 100, { timestamp: NOW - HOUR, id: 'u1' });
        t.trackBandwidthUpload('photos', 's3', Number.MAX_SAFE_INTEGER, { timestamp: NOW - HOUR });
        expect(() => t.trackStorageUsage('photos', 's3', -5000, { timestamp: NOW - HOUR })).toThrow(StorageLevelError);
        t.setStorageLevel('photos', 's3', 400, { timestamp: NOW - 4 * HOUR });
        t.trackApiCall('photos', 's3', { timestamp: NOW - HOUR, success: false });
        const second = await t.flush();
        expect(second).toMatchObject({ written: 2, duplicates: 1 });
        expect(second.error).toBeDefined();
        await expectTotalsMatchRollups(store);

        // A batch refused whole (a backend's type changed) stores nothing; an accepted one with a resend.
        const refused = await t.ingestBatch([
          { backend: 'photos', backendType: 's3', resourceType: 'bandwidth_upload', amount: 7, timestamp: NOW },
          { backend: 'photos', backendType: 'gcs', resourceType: 'bandwidth_upload', amount: 7, timestamp: NOW },
        ]);
        expect(refused.accepted).toBe(0);
        const batch = await t.ingestBatch([
          {
            backend: 'photos',
            backendType: 's3',
            resourceType: 'bandwidth_upload',
            amount: 100,
            id: 'u1',
            timestamp: NOW - HOUR,
          },
          {
            backend: 'models',
            backendType: 'huggingface',
            resourceType: 'bandwidth_download',
            amount: 9,
            timestamp: NOW - 6 * DAY,
          },
        ]);
        expect(batch).toMatchObject({ accepted: 1, duplicates: 1, rejected: [] });
        await expectTotalsMatchRollups(store);

        expect(await t.getBackendTotals()).toEqual([
          {
            backend: 'models',
            backendType: 'huggingface',
            uploadBytes: 0,
            downloadBytes: 9,
            apiCalls: 1,
            failedApiCalls: 0,
            operationCostMicros: 0,
          },
          {
            backend: 'photos',
            backendType: 's3',
            uploadBytes: 150,
            downloadBytes: 30,
            apiCalls: 3,
            failedApiCalls: 2,
            operationCostMicros: 25_000,
          },
        ]);
        expect(await t.getBackendTotals()).toEqual(await expectedFromRollups(store, t));
        // Storage and the API call classes are not kept: a gauge from backend_state, and no counter.
        const { kept } = await backendTotalsRows(store);
        expect(new Set(kept.map((r) => r.resource))).toEqual(new Set([1, 2, 4, 5]));
      } finally {
        // close() reports an error a flush left unreported; the assertions above say what failed first.
        await t.close().catch(() => {});
      }
    });

    it('migration 0013 fills the table from the day rollups a tracker wrote before it', async () => {
      const store = await newStore('migration');
      const t = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
      for (let day = 0; day < 40; day += 3) {
        const timestamp = NOW - day * DAY - HOUR;
        t.trackBandwidthUpload(`b${day % 4}`, 's3', 10 + day, { timestamp });
        t.trackBandwidthDownload(`b${day % 4}`, 's3', 3 * day, { timestamp });
        t.trackApiCall(`b${day % 4}`, 's3', { timestamp, success: day % 2 === 0, apiClass: 'b' });
        t.trackCost(`b${day % 4}`, 's3', day / 10, { timestamp });
        t.setStorageLevel(`b${day % 4}`, 's3', 100 * day, { timestamp: NOW - HOUR });
      }
      t.trackApiCall('quiet', 'ipfs', { timestamp: NOW - HOUR });
      await t.close();
      const written = await backendTotalsRows(store);
      expect(written.kept).toEqual(written.summed);
      expect(written.kept.length).toBeGreaterThan(10);

      // Back to the schema before 0013 (the table dropped), then forward: the migration's rows are the
      // tracker's, and the tracker goes on adding to them.
      const db = openDb(store);
      try {
        expect((await migrateTo(db, BEFORE_0013)).error).toBeUndefined();
        const exists = store.databaseUrl
          ? sql`select to_regclass('backend_totals')::text as t`
          : sql`select name as t from sqlite_master where name = 'backend_totals'`;
        expect((await exists.execute(db)).rows.filter((r: any) => r.t)).toEqual([]);
        expect((await migrateToLatest(db)).error).toBeUndefined();
      } finally {
        await db.destroy();
      }
      expect(await backendTotalsRows(store)).toEqual(written);
      const again = openResourceTracker({ ...store, clock: () => NOW, mode: 'rollups-only', flushOnExit: false });
      try {
        again.trackBandwidthUpload('b0', 's3', 5, { timestamp: NOW - 50 * DAY });
        expect(await again.flush()).toEqual({ written: 1, duplicates: 0 });
        await expectTotalsMatchRollups(store);
        expect(await again.getBackendTotals()).toEqual(await expectedFromRollups(store, again));
      } finally {
        await again.close();
      }
    });

    it("property: after any sequence of batches the totals are the day rollups' sums", async () => {
      const store = await newStore('property');
      const t = openResourceTracker({ ...store, clock: () => NOW, rawRetentionMs: 3 * DAY, flushOnExit: false });
      let run = 0;
      const event = fc.record({
        backend: fc.constantFrom('a', 'b', 'c'),
        resource: fc.constantFrom(...RESOURCE_TYPES),
        amount: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constant(2 ** 52)),
        success: fc.boolean(),
        daysBack: fc.integer({ min: 0, max: 60 }),
        minute: fc.integer({ min: 0, max: 1439 }),
        id: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
        apiClass: fc.option(fc.constantFrom('a' as const, 'b' as const, 'free' as const), { nil: undefined }),
        whole: fc.boolean(),
      });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(event, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
            async (batches) => {
              run++;
              for (const batch of batches) {
                const events = batch.map(
                  (e): TrackEvent => ({
                    backend: `${e.backend}${run}`,
                    backendType: 's3',
                    resourceType: e.resource,
                    amount: e.resource === 'api_calls' ? 1 : e.amount,
                    success: e.success,
                    timestamp: NOW - e.daysBack * DAY - e.minute * 60_000,
                    ...(e.id ? { id: `${e.id}-${run}` } : {}),
                    ...(e.apiClass && e.resource === 'api_calls' ? { apiClass: e.apiClass } : {}),
                  }),
                );
                if (batch[0]!.whole) {
                  await t.ingestBatch(events);
                } else {
                  for (const e of events) t.trackResourceUsage(e);
                  await t.flush();
                }
              }
              await expectTotalsMatchRollups(store);
            },
          ),
          { numRuns: 12 },
        );
        expect(await t.getBackendTotals()).toEqual(await expectedFromRollups(store, t));
      } finally {
        await t.close();
      }
    });
  });
});
