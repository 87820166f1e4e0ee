import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BudgetAlert,
  openResourceTracker,
  type ResourceTracker,
  type TrackerOptions,
  ValidationError,
} from '../src/index.js';
import { eventually } from './support/eventually.js';
import { FIXTURES, startFixture } from './support/spawn-worker.js';
import { countStoreRows, describeEachDialect, newStore, type StoreOptions } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Issue 12 through the tracker: budgets stored and read back with their values from rollups, and alerts
// raised exactly once however the crossing comes (one batch, two batches, a backfill, two writers at once,
// a storage level wobbling on the line).

const DAY = 86_400_000;
const APRIL = Date.UTC(2026, 3, 1);
const MARCH = Date.UTC(2026, 2, 1);

function open(store: StoreOptions, clock?: () => number, extra: TrackerOptions = {}): ResourceTracker {
  return openResourceTracker({
    ...store,
    flushOnExit: false,
    rawRetentionMs: 365 * DAY,
    deliverWebhooks: false,
    ...(clock ? { clock } : {}),
    ...extra,
  });
}

const upload = (bytes: number, ts: number, backend = 'photos') => ({
  backend,
  backendType: 's3',
  resourceType: 'bandwidth_upload',
  amount: bytes,
  timestamp: ts,
});

/** Runs an evaluation now (setBudget evaluates at once) by re-setting nothing: reads the alerts stored. */
const alertsOf = async (t: ResourceTracker) =>
  (await t.getBudgetAlerts({ first: 1000 })).map((a) => `${a.kind}:${a.threshold}:${a.periodStart ?? '-'}`).sort();

describeEachDialect('budgets', (dialect) => {
  describe('budgets stored and read', () => {
    it('bad input throws a typed error and stores nothing', async () => {
      const t = open(await newStore());
      const good = { name: 'egress', metric: 'bandwidth_download' as const, limit: 1000 };
      const bad: [unknown, string, string][] = [
        [{ ...good, limit: 0 }, 'INVALID_BUDGET', 'limit'],
        [{ ...good, limit: 1.5 }, 'INVALID_BUDGET', 'limit'],
        [{ ...good, limit: 2 ** 53 }, 'INVALID_BUDGET', 'limit'],
        [{ ...good, metric: 'bytes' }, 'INVALID_BUDGET', 'metric'],
        [{ ...good, name: '' }, 'INVALID_BUDGET', 'name'],
        [{ ...good, thresholds: [0] }, 'INVALID_BUDGET', 'thresholds[0]'],
        [{ ...good, thresholds: [1001] }, 'INVALID_BUDGET', 'thresholds[0]'],
        [{ ...good, thresholds: [50.5] }, 'INVALID_BUDGET', 'thresholds[0]'],
        [{ ...good, thresholds: [] }, 'INVALID_BUDGET', 'thresholds'],
        [{ ...good, timezone: 'Mars/Olympus' }, 'INVALID_TIMEZONE', 'timezone'],
        [{ ...good, webhookUrl: 'ftp://example.com/hook' }, 'INVALID_BUDGET', 'webhookUrl'],
        [{ ...good, webhookUrl: 'not a url' }, 'INVALID_BUDGET', 'webhookUrl'],
        [{ ...good, webhookUrl: 'https://user:pw@example.com/' }, 'INVALID_BUDGET', 'webhookUrl'],
        [{ ...good, backend: ' spaced ' }, 'INVALID_BACKEND_NAME', 'backend'],
        [{ ...good, alertOnForecast: 'yes' }, 'INVALID_BUDGET', 'alertOnForecast'],
      ];
      for (const [input, code, field] of bad) {
        const error = await t.setBudget(input as never).catch((e: unknown) => e);
        expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code, field });
      }
      expect(await t.getBudgets()).toEqual([]);
      await t.close();
    });

    it('defaults, replacement by id, deletion; values from rollups with forecast and projected full date', async () => {
      const clock = fixedClock(APRIL + 10 * DAY);
      const t = open(await newStore('values'), clock.now);
      const { budget, webhookSecret } = await t.setBudget({
        name: 'uploads',
        backend: 'photos',
        metric: 'BANDWIDTH_UPLOAD' as never,
        limit: 1000,
        thresholds: [80, 50, 80],
      });
      expect(webhookSecret).toBeNull();
      expect(budget).toMatchObject({
        name: 'uploads',
        backend: 'photos',
        metric: 'bandwidth_upload',
        timezone: 'UTC',
        thresholds: [50, 80],
        alertOnForecast: true,
        webhookUrl: null,
        current: 0,
        percentUsed: 0,
        forecast: 0,
        projectedFullAt: null,
      });
      // 7 bytes a day over the last 7 days, 100 before: 149 so far; 20 days left at 7 a day → 289.
      await t.ingestBatch([upload(100, APRIL + DAY)]);
      await t.ingestBatch(Array.from({ length: 7 }, (_, i) => upload(7, APRIL + 3 * DAY + i * DAY + 1)));
      const [b] = await t.getBudgets();
      expect(b).toMatchObject({ id: budget.id, current: 149, percentUsed: 14.9, forecast: 149 + 20 * 7 });

      // A storage quota: 600 of 1000 bytes, all stored within the last 7 days: 400 more at 600 per 7 days.
      const q = await t.setBudget({ name: 'disk', backend: 'disk', metric: 'storage_level', limit: 1000 });
      expect(q.budget.alertOnForecast).toBe(false);
      await t.ingestBatch([
        {
          backend: 'disk',
          backendType: 'local',
          resourceType: 'storage_used',
          amount: 200,
          timestamp: APRIL + 6 * DAY,
        },
        ...[7, 8, 9, 10].map((d) => ({
          backend: 'disk',
          backendType: 'local',
          resourceType: 'storage_used',
          amount: 100,
          timestamp: APRIL + d * DAY - 1,
        })),
      ]);
      const disk = (await t.getBudgets()).find((x) => x.id === q.budget.id)!;
      expect(disk).toMatchObject({ current: 600, forecast: null });
      expect(disk.projectedFullAt).toBe(new Date(clock.now() + Math.floor((400 * 7 * DAY) / 600)).toISOString());
      // Shrinking: not growing, no date.
      await t.ingestBatch([
        {
          backend: 'disk',
          backendType: 'local',
          resourceType: 'storage_used',
          amount: -600,
          timestamp: APRIL + 10 * DAY - 1,
        },
      ]);
      expect((await t.getBudgets()).find((x) => x.id === q.budget.id)).toMatchObject({
        current: 0,
        projectedFullAt: null,
      });

      // Replaced by id: the same budget, new values.
      const replaced = await t.setBudget({ id: budget.id, name: 'uploads 2', metric: 'bandwidth_upload', limit: 2000 });
      expect(replaced.budget).toMatchObject({ id: budget.id, name: 'uploads 2', backend: null, limit: 2000 });
      expect((await t.getBudgets()).map((x) => x.name).sort()).toEqual(['disk', 'uploads 2']);
      expect(await t.deleteBudget(budget.id)).toBe(true);
      expect(await t.deleteBudget(budget.id)).toBe(false);
      expect((await t.getBudgets()).map((x) => x.name)).toEqual(['disk']);
      await t.close();
    });

    it('a cost budget reads getCosts: computed cost of the month in micros and its forecast', async () => {
      const clock = fixedClock(APRIL + 15 * DAY);
      const t = open(await newStore('cost'), clock.now);
      await t.setPricePlan({ backend: 'photos', prices: [{ resource: 'UPLOAD', tiers: [{ pricePerUnit: '1' }] }] });
      await t.ingestBatch([upload(2 ** 30, APRIL + 14 * DAY)]);
      const { budget } = await t.setBudget({ name: 'spend', backend: 'photos', metric: 'cost', limit: 4_000_000 });
      const costs = await t.getCosts({ period: 'month' });
      expect(budget.current).toBe(costs.backends[0]!.computedCostMicros);
      expect(budget.current).toBe(1_000_000);
      expect(budget.forecast).toBe(costs.forecast.monthEndMicros);
      expect(budget.forecast).toBeGreaterThan(1_000_000);
      await t.close();
    });
  });

  describe('alerts, exactly once', () => {
    it('thresholds crossed inside one batch alert once each; later writes do not repeat them', async () => {
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(await newStore('one-batch'), clock.now, { budgetCheckIntervalMs: 10 });
      const seen: BudgetAlert[] = [];
      t.onBudgetAlert((a) => seen.push(a));
      await t.setBudget({ name: 'up', metric: 'bandwidth_upload', limit: 100, alertOnForecast: false });
      await t.ingestBatch([upload(30, APRIL + DAY), upload(55, APRIL + DAY + 1)]);
      await eventually(async () => seen.length >= 2);
      await t.ingestBatch([upload(1, APRIL + 2 * DAY)]);
      t.trackBandwidthUpload('photos', 's3', 1, { timestamp: APRIL + 2 * DAY });
      await t.flush();
      await new Promise((r) => setTimeout(r, 100));
      expect(await alertsOf(t)).toEqual(['actual:50:2026-04-01T00:00:00.000Z', 'actual:80:2026-04-01T00:00:00.000Z']);
      expect(seen.map((a) => a.threshold).sort()).toEqual([50, 80]);
      expect(seen[0]).toMatchObject({ budgetName: 'up', limit: 100, kind: 'actual', value: 85 });
      await t.close();
    });

    it('across two batches, in the budget’s zone; a forecast alert when the month-end projection reaches the limit', async () => {
      const clock = fixedClock(APRIL + 2 * DAY);
      const t = open(await newStore('two-batches'), clock.now, { budgetCheckIntervalMs: 10 });
      await t.setBudget({ name: 'calls', metric: 'api_calls', limit: 100, timezone: 'Asia/Kolkata' });
      const call = (ts: number) => ({
        backend: 'b',
        backendType: 's3',
        resourceType: 'api_calls',
        amount: 1,
        timestamp: ts,
      });
      // 40 calls on April 1st: the projection (40 in the last week, 28 days left) passes 100: a forecast alert.
      await t.ingestBatch(Array.from({ length: 40 }, (_, i) => call(APRIL + DAY + i)));
      await eventually(async () => (await alertsOf(t)).length === 1);
      expect(await alertsOf(t)).toEqual(['forecast:100:2026-04-01T00:00:00.000+05:30']);
      await t.ingestBatch(Array.from({ length: 15 }, (_, i) => call(APRIL + DAY + 100 + i)));
      await eventually(async () => (await alertsOf(t)).length === 2);
      expect((await alertsOf(t))[0]).toBe('actual:50:2026-04-01T00:00:00.000+05:30');
      await t.close();
    });

    it('a cost budget alerts when priced usage crosses its thresholds, written to another backend in between', async () => {
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(await newStore('cost-alerts'), clock.now, { budgetCheckIntervalMs: 10 });
      for (const backend of ['photos', 'videos'])
        await t.setPricePlan({ backend, prices: [{ resource: 'UPLOAD', tiers: [{ pricePerUnit: '1' }] }] });
      const seen: BudgetAlert[] = [];
      t.onBudgetAlert((a) => seen.push(a));
      await t.setBudget({
        name: 'all',
        metric: 'cost',
        limit: 4_000_000,
        thresholds: [50, 100],
        alertOnForecast: false,
      });
      await t.ingestBatch([upload(2 ** 30, APRIL + DAY, 'photos')]);
      await t.ingestBatch([upload(2 ** 30, APRIL + DAY, 'videos')]); // $2 of $4: 50%
      await eventually(async () => seen.length === 1);
      await t.ingestBatch([upload(2 * 2 ** 30, APRIL + DAY, 'photos')]); // $4: 100%
      await eventually(async () => seen.length === 2);
      expect(seen.map((a) => [a.threshold, a.value])).toEqual([
        [50, 2_000_000],
        [100, 4_000_000],
      ]);
      await t.close();
    });

    it('a backfilled event alerts in the billing month it belongs to', async () => {
      // The budget is set in March: a backfill alerts only months that ended after the budget was created.
      const clock = fixedClock(MARCH + DAY);
      const t = open(await newStore('backfill'), clock.now, { budgetCheckIntervalMs: 10 });
      await t.setBudget({
        name: 'up',
        metric: 'bandwidth_upload',
        limit: 100,
        thresholds: [100],
        alertOnForecast: false,
      });
      clock.set(APRIL + 5 * DAY);
      await t.ingestBatch([upload(60, MARCH + 3 * DAY)]);
      t.trackBandwidthUpload('photos', 's3', 50, { timestamp: MARCH + 20 * DAY });
      await t.flush();
      await eventually(async () => (await alertsOf(t)).length === 1);
      expect(await alertsOf(t)).toEqual(['actual:100:2026-03-01T00:00:00.000Z']);
      // April itself is still at 0: nothing for it.
      expect((await t.getBudgets())[0]!.current).toBe(0);
      await t.close();
    });

    it('two trackers writing one store at once: one alert per threshold, never two', async () => {
      const store = await newStore('two-writers');
      const clock = fixedClock(APRIL + 20 * DAY);
      const a = open(store, clock.now, { budgetCheckIntervalMs: 5 });
      const b = open(store, clock.now, { budgetCheckIntervalMs: 5 });
      const raised: BudgetAlert[] = [];
      a.onBudgetAlert((x) => raised.push(x));
      b.onBudgetAlert((x) => raised.push(x));
      await a.setBudget({
        name: 'shared',
        metric: 'bandwidth_upload',
        limit: 1000,
        thresholds: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
        alertOnForecast: false,
      });
      await b.getBudgets();
      for (let i = 0; i < 50; i++) {
        await Promise.all([a.ingestBatch([upload(10, APRIL + DAY + i)]), b.ingestBatch([upload(10, APRIL + DAY + i)])]);
      }
      await eventually(async () => (await alertsOf(a)).length === 10);
      await new Promise((r) => setTimeout(r, 200));
      await Promise.all([a.close(), b.close()]);
      expect(raised.map((x) => x.threshold).sort((x, y) => x - y)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(await countStoreRows(store, 'budget_alerts')).toBe(10);
    });

    it('two OS processes ingesting into one store at once: each threshold alerts once, in one process', async () => {
      const store = await newStore('two-processes');
      const t = open(store);
      // This process watches the workers' commits too (budgets/foreign-commits.ts): it may raise some.
      const here: number[] = [];
      t.onBudgetAlert((a) => here.push(a.threshold));
      const thresholds = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
      await t.setBudget({ name: 'calls', metric: 'api_calls', limit: 400, thresholds, alertOnForecast: false });
      const workers = [1, 2].map((worker) =>
        startFixture(join(FIXTURES, 'budget-worker.ts'), { worker, store, batches: 40, perBatch: 5 }),
      );
      await Promise.all(workers.map((w) => w.waitFor('ready')));
      for (const w of workers) w.child.stdin!.end('go\n');
      const outputs = await Promise.all(workers.map((w) => w.done));
      const raised = outputs.flatMap((lines) => (JSON.parse(lines[lines.length - 1]!) as { raised: number[] }).raised);
      // Alerts this process raises are published just after their commit: wait for those still on the way.
      await eventually(() => raised.length + here.length >= thresholds.length).catch(() => {});
      expect([...raised, ...here].sort((a, b) => a - b)).toEqual(thresholds);
      expect(await countStoreRows(store, 'budget_alerts')).toBe(thresholds.length);
      expect((await t.getBudgets())[0]!.current).toBe(400);
      await t.close();
    }, 60_000);

    it('a storage level wobbling across 80% twenty times alerts once; below 75% and up again, a second time', async () => {
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(await newStore('wobble'), clock.now);
      const { budget } = await t.setBudget({
        name: 'quota',
        backend: 'disk',
        metric: 'storage_level',
        limit: 1000,
        thresholds: [80],
      });
      const level = async (bytes: number) => {
        t.setStorageLevel('disk', 'local', bytes);
        await t.flush();
        await (
          t as unknown as { budgets: { evaluator: { evaluateNow(): Promise<unknown> } } }
        ).budgets.evaluator.evaluateNow();
      };
      for (let i = 0; i < 20; i++) {
        await level(810);
        await level(790);
      }
      expect(await alertsOf(t)).toEqual(['actual:80:-']);
      await level(760); // still above 75%: not re-armed
      await level(820);
      expect((await t.getBudgetAlerts()).length).toBe(1);
      await level(740); // below 75%: re-armed
      await level(805);
      const alerts = await t.getBudgetAlerts();
      expect(alerts.map((a) => [a.budgetId, a.threshold, a.value, a.periodStart])).toEqual([
        [budget.id, 80, 805, null],
        [budget.id, 80, 810, null],
      ]);
      await t.close();
    });

    it('alerts are raised within 5 s of the crossing event being recorded (default intervals)', async () => {
      const t = open(await newStore('on-time'));
      await t.setBudget({
        name: 'egress',
        metric: 'bandwidth_download',
        limit: 1000,
        thresholds: [100],
        alertOnForecast: false,
      });
      const raised = new Promise<number>((resolve) => t.onBudgetAlert(() => resolve(Date.now())));
      const recorded = Date.now();
      t.trackBandwidthDownload('photos', 's3', 1000);
      const at = await raised;
      expect(at - recorded).toBeLessThan(5000);
      await t.close();
    });

    it('getBudgetAlerts pages newest first and follows after an id; an unknown id is refused', async () => {
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(await newStore('follow'), clock.now);
      await t.ingestBatch([upload(100, APRIL + DAY)]);
      await t.setBudget({
        name: 'up',
        metric: 'bandwidth_upload',
        limit: 100,
        thresholds: [10, 20, 30, 40],
        alertOnForecast: false,
      });
      const all = await t.getBudgetAlerts();
      expect(all).toHaveLength(4);
      const [newest, , , oldest] = all;
      expect((await t.getBudgetAlerts({ first: 1 }))[0]!.id).toBe(newest!.id);
      expect((await t.getBudgetAlerts({ afterId: oldest!.id, first: 2 })).map((a) => a.id)).toEqual([
        all[1]!.id,
        all[2]!.id,
      ]);
      expect(await t.getBudgetAlerts({ afterId: newest!.id })).toEqual([]);
      await expect(t.getBudgetAlerts({ afterId: 'alert_nope' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
      await expect(t.getBudgetAlerts({ first: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      await t.close();
      void dialect;
    });
  });
});
