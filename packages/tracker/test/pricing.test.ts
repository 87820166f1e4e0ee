import { integrateStorageEvents, ratio, toNumber } from '@bytemeter/core/pricing';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as m0005 from '../src/db/migrations/0005-pricing.js';
import { openResourceTracker, type ResourceTracker, ValidationError } from '../src/index.js';
import { describeEachDialect, newStore, type StoreOptions } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Issue 11 through the tracker: events recorded, a plan set, costs read back (rollups only but for
// sub-minute range ends), with the README's worked numbers.

const GIB = 2 ** 30;
const DAY = 86_400_000;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1); // a 30-day month
const MAY = Date.UTC(2026, 4, 1);

function open(store: StoreOptions, now: () => number): ResourceTracker {
  // Raw events kept a year: the tests pick ragged range ends anywhere in the month.
  return openResourceTracker({ ...store, clock: now, flushOnExit: false, rawRetentionMs: 365 * DAY });
}

const line = (report: Awaited<ReturnType<ResourceTracker['getCosts']>>, backend: string, resource: string) =>
  report.backends.find((b) => b.backend === backend)?.resources.find((r) => r.resource === resource);

describeEachDialect('pricing', (dialect) => {
  describe('pricing through the tracker', () => {
    it('3 GiB downloaded, the first GiB free and $0.09 after: $0.18, the reported cost beside it', async () => {
      const clock = fixedClock(Date.UTC(2026, 2, 20));
      const t = open(await newStore('download'), clock.now);
      await t.setPricePlan({
        backend: 'photos',
        prices: [{ resource: 'DOWNLOAD', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] }],
      });
      for (let i = 0; i < 3; i++) t.trackBandwidthDownload('photos', 's3', GIB, { timestamp: MARCH + i * DAY + 1234 });
      t.trackCost('photos', 's3', 5, { timestamp: MARCH + DAY });
      const report = await t.getCosts({ period: 'month' });
      expect(report.periodStart).toBe('2026-03-01T00:00:00.000Z');
      expect(report.periodEnd).toBe('2026-04-01T00:00:00.000Z');
      expect(line(report, 'photos', 'download')).toEqual({ resource: 'download', units: 3, costMicros: 180_000 });
      expect(report.backends[0]).toMatchObject({
        computedCostMicros: 180_000,
        reportedCostMicros: 50_000,
        hasPlan: true,
      });
      expect(report.computedTotalMicros).toBe(180_000);
      expect(report.reportedTotalMicros).toBe(50_000);
      await t.close();
    });

    it('1 GiB stored for the first 15 days of a 30-day month: 0.5 GiB-month, $0.0115; the forecast holds the level', async () => {
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(await newStore('storage'), clock.now);
      await t.setPricePlan({ backend: 'r2', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] }] });
      t.trackStorageUsage('r2', 's3', GIB, { timestamp: APRIL });
      t.trackStorageUsage('r2', 's3', -GIB, { timestamp: APRIL + 15 * DAY });
      const april = await t.getCosts({ period: 'month' });
      expect(line(april, 'r2', 'storage')).toEqual({ resource: 'storage', units: 0.5, costMicros: 11_500 });
      // Nothing stored now: the month ends where it is.
      expect(april.forecast.monthEndMicros).toBe(11_500);
      expect(april.forecast.method).toContain('storage held at its current level (0 GiB)');

      // Held all month instead, read on the 16th: half a month so far, the other half projected at 1 GiB.
      const t2 = open(await newStore('storage-held'), () => APRIL + 15 * DAY);
      await t2.setPricePlan({ backend: 'r2', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] }] });
      t2.trackStorageUsage('r2', 's3', GIB, { timestamp: APRIL });
      const mid = await t2.getCosts({});
      expect(line(mid, 'r2', 'storage')).toEqual({ resource: 'storage', units: 0.5, costMicros: 11_500 });
      expect(mid.forecast.monthEndMicros).toBe(23_000);
      await t.close();
      await t2.close();
    });

    it('prices API calls by class; the class comes from the library option and from batch ingest', async () => {
      const clock = fixedClock(Date.UTC(2026, 2, 20));
      const t = open(await newStore('classes'), clock.now);
      await t.setPricePlan({
        backend: 's3',
        prices: [
          { resource: 'api_calls_class_a', tiers: [{ pricePerUnit: '0.005' }] },
          { resource: 'api_calls_class_b', tiers: [{ pricePerUnit: '0.0004' }] },
          { resource: 'api_calls_unclassified', tiers: [{ pricePerUnit: '0.001' }] },
        ],
      });
      const ts = MARCH + 3 * DAY;
      for (let i = 0; i < 2; i++) t.trackApiCall('s3', 's3', { timestamp: ts, apiClass: 'a' });
      t.trackApiCall('s3', 's3', { timestamp: ts, apiClass: 'b' });
      t.trackApiCall('s3', 's3', { timestamp: ts, apiClass: 'free' });
      t.trackApiCall('s3', 's3', { timestamp: ts });
      const batch = await t.ingestBatch([
        { backend: 's3', backendType: 's3', resourceType: 'api_calls', amount: 1, apiClass: 'a', timestamp: ts },
        { backend: 's3', backendType: 's3', resourceType: 'api_calls', amount: 2, apiClass: 'b', timestamp: ts },
        { backend: 's3', backendType: 's3', resourceType: 'api_calls', amount: 3, timestamp: ts },
      ]);
      expect(batch.rejected).toEqual([]);
      const report = await t.getCosts({});
      expect(line(report, 's3', 'api_calls_class_a')).toEqual({
        resource: 'api_calls_class_a',
        units: 3,
        costMicros: 15_000,
      });
      expect(line(report, 's3', 'api_calls_class_b')).toEqual({
        resource: 'api_calls_class_b',
        units: 3,
        costMicros: 1_200,
      });
      expect(line(report, 's3', 'api_calls_unclassified')).toEqual({
        resource: 'api_calls_unclassified',
        units: 4,
        costMicros: 4_000,
      });
      // A range ending mid-minute is served by raw events at that end: the classes are counted there too.
      const ragged = await t.getCosts({ from: new Date(MARCH), to: new Date(ts + 1) });
      expect(ragged.backends[0]!.computedCostMicros).toBe(15_000 + 1_200 + 4_000);
      const before = await t.getCosts({ from: new Date(MARCH), to: new Date(ts) });
      expect(before.backends[0]!.computedCostMicros).toBe(0);
      // The class rows are not resources: summaries see the api_calls total only.
      const summary = await t.getResourceSummary({ period: 'month' });
      expect(Object.keys(summary.backends.s3!.resources)).toEqual(['api_calls']);
      expect(summary.totals.apiCalls).toBe(11);
      // Nor events: counts (from rollups) and operations see the 8 events recorded, not their class rows.
      const page = await t.getResourceUsage({ backend: 's3', from: new Date(MARCH), to: new Date(MARCH + 10 * DAY) });
      expect(page.totalCount).toBe(8);
      await t.close();
    });

    it('refuses a bad class or a class on another resource, and a bad plan, with typed errors that change nothing', async () => {
      const t = open(await newStore('refusals'), () => Date.UTC(2026, 2, 20));
      expect(() => t.trackApiCall('s3', 's3', { apiClass: 'A' as never })).toThrow(ValidationError);
      expect(() => t.trackBandwidthUpload('s3', 's3', 1, { apiClass: 'a' })).toThrow(/api_calls events only/);
      const batch = await t.ingestBatch([
        { backend: 's3', backendType: 's3', resourceType: 'api_calls', amount: 1, apiClass: 'c' as never },
      ]);
      expect(batch).toMatchObject({ accepted: 0, rejected: [{ index: 0, code: 'INVALID_OPTION' }] });
      expect(t.pendingCount).toBe(0);
      await t.setPricePlan({ backend: 's3', template: 'cloudflare-r2-standard' });
      const stored = await t.getPricePlans();
      await expect(
        t.setPricePlan({ backend: 's3', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '-1' }] }] }),
      ).rejects.toMatchObject({ code: 'INVALID_PRICE' });
      await expect(t.setPricePlan({ backend: 's3', template: 'nope' })).rejects.toMatchObject({
        code: 'INVALID_PRICE_PLAN',
      });
      await expect(t.getCosts({ timezone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'INVALID_TIMEZONE' });
      expect(await t.getPricePlans()).toEqual(stored);
      await t.close();
    });

    it('prices tier edges crossed inside one flush exactly, and cost [a, c) = cost [a, b) + cost [b, c)', async () => {
      const t = open(await newStore('tiers'), () => Date.UTC(2026, 2, 20));
      await t.setPricePlan({
        backend: 'b',
        prices: [
          {
            resource: 'download',
            tiers: [{ upTo: 1, pricePerUnit: '0' }, { upTo: 3, pricePerUnit: '0.09' }, { pricePerUnit: '0.05' }],
          },
        ],
      });
      // 4 × 0.75 GiB + 1 GiB, all in one flush, at ragged instants: both tier edges fall inside an event.
      const times = [MARCH + 1_001, MARCH + 61_017, MARCH + 3_600_123, MARCH + DAY + 7, MARCH + 2 * DAY + 59_999];
      for (const [i, ts] of times.entries())
        t.trackBandwidthDownload('b', 's3', i < 4 ? 0.75 * GIB : GIB, { timestamp: ts });
      const whole = await t.getCosts({ from: new Date(MARCH), to: new Date(APRIL) });
      // 1 × $0 + 2 × $0.09 + 1 × $0.05
      expect(whole.backends[0]!.computedCostMicros).toBe(230_000);
      for (const cut of [times[1]!, times[2]! + 1, times[3]!, MARCH + DAY + 8]) {
        const a = await t.getCosts({ from: new Date(MARCH), to: new Date(cut) });
        const b = await t.getCosts({ from: new Date(cut), to: new Date(APRIL) });
        expect(a.backends[0]!.computedCostMicros + b.backends[0]!.computedCostMicros).toBe(230_000);
      }
      // 1.5 GiB before times[2]: half a GiB past the free one.
      const firstTwo = await t.getCosts({ from: new Date(MARCH), to: new Date(times[2]!) });
      expect(firstTwo.backends[0]!.computedCostMicros).toBe(45_000);
      await t.close();
    });

    it('every backend priced in one read answers as each backend read alone, ragged edges and zones included', async () => {
      const t = open(await newStore('many'), () => Date.UTC(2026, 3, 20, 7, 31, 13, 7));
      const names = ['a', 'b', 'c', 'd'];
      for (const [i, backend] of names.entries()) {
        await t.setPricePlan({
          backend,
          timezone: ['UTC', 'America/New_York', '+05:30', 'Asia/Kathmandu'][i]!,
          template: i % 2 === 0 ? 'aws-s3-standard-us-east-1' : 'cloudflare-r2-standard',
          prices: [{ resource: 'monthly_fee', tiers: [{ pricePerUnit: String(i + 1) }] }],
        });
        for (let k = 0; k < 40; k++) {
          const ts = MARCH + k * 29 * 3_600_000 + i * 61_001 + k * 7;
          t.trackBandwidthDownload(backend, 's3', Math.round((k + 1) * 0.3 * GIB), { timestamp: ts });
          t.trackStorageUsage(backend, 's3', (k % 3 === 2 ? -1 : 1) * Math.round((k + 1) * 0.1 * GIB), {
            timestamp: ts + 1_234,
          });
          t.trackApiCall(backend, 's3', { timestamp: ts + 5, apiClass: (['a', 'b', 'free'] as const)[k % 3] });
          if (k % 4 === 0) t.trackApiCall(backend, 's3', { timestamp: ts + 9 });
          if (k % 5 === 0) t.trackCost(backend, 's3', 0.25, { timestamp: ts });
        }
      }
      const ranges = [
        {},
        { period: 'month' as const, at: new Date(MARCH + 9 * DAY), timezone: 'Asia/Kolkata' },
        { from: new Date(MARCH + 3 * DAY + 17_017), to: new Date(APRIL + 2 * DAY + 59_999) },
      ];
      for (const range of ranges) {
        const all = await t.getCosts(range);
        expect(all.backends.map((b) => b.backend)).toEqual(names);
        for (const backend of names) {
          const alone = await t.getCosts({ ...range, backend });
          expect(alone.backends).toEqual([all.backends.find((b) => b.backend === backend)]);
        }
        expect(all.computedTotalMicros).toBeGreaterThan(0);
      }
      await t.close();
    });

    it('plans are stored in the database: a second tracker on the same file sees, prices with and deletes them', async () => {
      const path = await newStore('shared');
      const now = () => Date.UTC(2026, 2, 20);
      const a = open(path, now);
      const b = open(path, now);
      const set = await a.setPricePlan({
        backend: 'photos',
        template: 'aws-s3-standard-us-east-1',
        timezone: 'europe/berlin',
      });
      expect(set).toMatchObject({
        backend: 'photos',
        timezone: 'Europe/Berlin',
        template: 'aws-s3-standard-us-east-1',
      });
      a.trackBandwidthDownload('photos', 's3', 101 * GIB, { timestamp: MARCH + DAY });
      await a.flush();
      expect(await b.getPricePlans()).toEqual([set]);
      // 100 GiB out free, the 101st at $0.09.
      expect(line(await b.getCosts({}), 'photos', 'download')?.costMicros).toBe(90_000);
      // A later plan takes over from its effectiveFrom; both are stored.
      await b.setPricePlan({ backend: 'photos', effectiveFrom: APRIL, prices: [] });
      expect((await a.getPricePlans()).map((p) => p.effectiveFrom)).toEqual([null, APRIL]);
      expect(await b.deletePricePlan('photos')).toBe(true);
      expect(await a.getPricePlans()).toEqual([]);
      expect(await a.deletePricePlan('photos')).toBe(false);
      const report = await a.getCosts({});
      expect(report.backends[0]).toMatchObject({ backend: 'photos', hasPlan: false, computedCostMicros: 0 });
      expect(a.getPricePlanTemplates().map((t) => t.name)).toEqual([
        'aws-s3-standard-us-east-1',
        'cloudflare-r2-standard',
      ]);
      await a.close();
      await b.close();
    });

    it('storage byte-time from rollups equals an independent integral over the recorded events', async () => {
      const SPAN = 30 * DAY;
      const divisor = BigInt(GIB) * BigInt(SPAN);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              at: fc.integer({ min: 0, max: SPAN - 1 }),
              delta: fc.integer({ min: 1, max: 2 ** 40 }),
              drop: fc.boolean(),
            }),
            {
              minLength: 1,
              maxLength: 25,
            },
          ),
          // Two distinct cuts: an empty range [t, t) is refused as INVALID_RANGE by contract.
          fc.uniqueArray(fc.integer({ min: 0, max: SPAN }), { minLength: 2, maxLength: 2 }),
          fc.integer({ min: 1, max: 6 }),
          async (ops, cuts, flushes) => {
            const t = open(await newStore('byte-time'), () => APRIL + SPAN + DAY);
            await t.setPricePlan({ backend: 'b', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '1' }] }] });
            // Adds, and removals of part of what is stored, in time order so the level never goes below 0.
            const events: { t: number; delta: number }[] = [];
            let level = 0;
            for (const op of [...ops].sort((x, y) => x.at - y.at)) {
              const delta = op.drop ? -Math.min(level, op.delta) : op.delta;
              level += delta;
              events.push({ t: APRIL + op.at, delta });
            }
            for (const [i, e] of events.entries()) {
              t.trackStorageUsage('b', 's3', e.delta, { timestamp: e.t });
              if (i % flushes === 0) await t.flush();
            }
            const [from, to] = [APRIL + Math.min(...cuts), APRIL + Math.max(...cuts)];
            const report = await t.getCosts({ from: new Date(from), to: new Date(to) });
            const expected = integrateStorageEvents(events, from, to);
            const units = report.backends[0]?.resources.find((r) => r.resource === 'storage')?.units ?? 0;
            expect(units).toBe(toNumber(ratio(expected, divisor)));
            await t.close();
          },
        ),
        { numRuns: 25 },
      );
    }, 90_000); // 25 trackers opened on PostgreSQL: 10–27 s on a loaded 2-core machine, near the 30 s default

    it('byte-time follows level reports dated before stored ones (the later report then implies less change)', async () => {
      const t = open(await newStore('reports'), () => MAY + DAY);
      await t.setPricePlan({ backend: 'b', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '1' }] }] });
      t.trackStorageUsage('b', 's3', 5 * GIB, { timestamp: APRIL + 3 * DAY + 12_345 });
      t.setStorageLevel('b', 's3', 8 * GIB, { timestamp: APRIL + 20 * DAY + 999 });
      await t.flush();
      // Dated before the stored report: it changes the level between the two only.
      t.setStorageLevel('b', 's3', 2 * GIB, { timestamp: APRIL + 10 * DAY + 7 });
      t.trackStorageUsage('b', 's3', 3 * GIB, { timestamp: APRIL + 12 * DAY + 61_001 });
      await t.flush();
      const stored = await t.getResourceUsage({ backend: 'b', from: new Date(APRIL), to: new Date(MAY), limit: 100 });
      const events = stored.events.map((e) => ({ t: Date.parse(e.timestamp), delta: e.amount }));
      expect(events).toHaveLength(4);
      for (const [from, to] of [
        [APRIL, MAY],
        [APRIL + 10 * DAY + 8, APRIL + 20 * DAY + 1_000],
        [APRIL + 11 * DAY, APRIL + 12 * DAY + 61_001],
      ] as const) {
        const report = await t.getCosts({ from: new Date(from), to: new Date(to) });
        const units = report.backends[0]!.resources.find((r) => r.resource === 'storage')!.units;
        expect(units).toBe(toNumber(ratio(integrateStorageEvents(events, from, to), BigInt(GIB) * BigInt(30 * DAY))));
      }
      await t.close();
    });

    it.runIf(dialect === 'sqlite')(
      'the 0005 migration fills the byte-time sums of buckets written before it from the raw events kept',
      async () => {
        const path = await newStore('backfill');
        const t = open(path, () => MAY + DAY);
        t.trackStorageUsage('b', 's3', 7 * GIB, { timestamp: APRIL + 2 * DAY + 3_600_017 });
        t.trackStorageUsage('b', 's3', -3 * GIB, { timestamp: APRIL + 9 * DAY + 61_999 });
        await t.setPricePlan({ backend: 'b', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '1' }] }] });
        const range = { from: new Date(APRIL + DAY), to: new Date(APRIL + 20 * DAY) };
        const before = await t.getCosts(range);
        await t.close();
        // Back to a file without the columns (as 0003 left it), then up again: the sums come from raw events.
        const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path.path!) }) });
        await m0005.down(db);
        await m0005.up(db);
        const sums = await db
          .selectFrom('rollups')
          .select(['delta_time_lo', 'delta_time_hi'])
          .where('resource', '=', 3)
          .execute();
        expect(sums.some((row) => row.delta_time_lo !== 0 || row.delta_time_hi !== 0)).toBe(true);
        await db.destroy();
        const again = open(path, () => MAY + DAY);
        await again.setPricePlan({ backend: 'b', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '1' }] }] });
        expect(await again.getCosts(range)).toEqual(before);
        await again.close();
      },
    );
  });
});
