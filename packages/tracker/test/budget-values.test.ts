import { describe, expect, it } from 'vitest';
import { loadBudgets, type StoredBudget } from '../src/budgets/budget-store.js';
import { readBudgetValues } from '../src/budgets/budget-values.js';
import type { Runner } from '../src/db/runner.js';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import type { Resolution } from '../src/rollup/grains.js';
import { referenceBudgetValues } from './support/budget-values-reference.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Issue 12's budget read: every budget is answered from one usage ledger read shared by all zones and
// metrics. It must answer exactly what the straightforward read answers (one aggregate per zone, getCosts'
// whole report per zone: test/support/budget-values-reference.ts), for the month now and for past months
// (what a backfill evaluates), with ragged edges, zones whose months start off the UTC day, plans in their
// own zones, events dated ahead, and budgets of every backend, one backend and a backend never seen.

const DAY = 86_400_000;
const GIB = 2 ** 30;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1);
/** Now: mid-April, off every minute edge. */
const NOW = Date.UTC(2026, 3, 16, 7, 31, 13, 7);

interface Internals {
  budgets: { parts: { db: never; runner: Runner; resolution(now: number): Resolution } };
}

async function seed(t: ResourceTracker): Promise<void> {
  const backends = ['photos', 'disk', 'cdn'];
  for (const [i, backend] of backends.slice(0, 2).entries()) {
    await t.setPricePlan({
      backend,
      timezone: ['UTC', 'Asia/Kathmandu'][i]!,
      template: i === 0 ? 'aws-s3-standard-us-east-1' : 'cloudflare-r2-standard',
      prices: [{ resource: 'monthly_fee', tiers: [{ pricePerUnit: String(i + 2) }] }],
    });
  }
  // From early March to a day ahead of now, every 7h-ish: crosses each zone's month edge and the recent week.
  for (let k = 0; k < 160; k++) {
    const ts = MARCH + k * 7 * 3_600_000 + k * 61_001;
    const backend = backends[k % 3]!;
    t.trackBandwidthUpload(backend, 's3', Math.round((k + 1) * 0.05 * GIB), { timestamp: ts });
    t.trackBandwidthDownload(backend, 's3', Math.round((k + 2) * 0.07 * GIB), { timestamp: ts + 17 });
    // Mostly growing, sometimes shrinking (never below zero).
    t.trackStorageUsage(backend, 's3', k % 4 === 3 ? -(2 ** 20) : Math.round((k + 1) * 0.02 * GIB), {
      timestamp: ts + 1_234,
    });
    t.trackApiCall(backend, 's3', { timestamp: ts + 5, apiClass: (['a', 'b', 'free'] as const)[k % 3] });
    if (k % 4 === 0) t.trackApiCall(backend, 's3', { timestamp: ts + 9 });
    if (k % 5 === 0) t.trackCost(backend, 's3', 0.25, { timestamp: ts });
  }
  // Just either side of the UTC, Berlin and Kolkata month edges, and dated ahead of now.
  for (const ts of [APRIL - 5 * 3_600_000 - 1, APRIL - 3_600_000 + 1, APRIL - 1, APRIL, NOW + 3_600_000]) {
    t.trackBandwidthUpload('photos', 's3', 3 * GIB, { timestamp: ts });
    t.trackStorageUsage('disk', 's3', GIB, { timestamp: ts });
  }
  const flushed = await t.flush();
  if (flushed.error) throw flushed.error;
  const metrics = ['bandwidth_upload', 'bandwidth_download', 'api_calls', 'cost', 'storage_level'] as const;
  const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'];
  const owners = [null, 'photos', 'disk', 'cdn', 'never-seen'];
  let n = 0;
  for (const metric of metrics) {
    for (const [z, timezone] of zones.entries()) {
      for (const backend of owners.filter((_, i) => (i + z) % 2 === 0)) {
        await t.setBudget({ name: `b${n++}`, metric, backend, timezone, limit: 10 ** (6 + (n % 6)) });
      }
    }
  }
}

describeEachDialect('budget values', (dialect) => {
  describe(`one shared ledger read (${dialect})`, () => {
    it('answers every budget exactly as the per-zone reads do, now and in past billing months', async () => {
      const t = openResourceTracker({
        ...(await newStore('shared-ledger')),
        clock: () => NOW,
        flushOnExit: false,
        deliverWebhooks: false,
        rawRetentionMs: 365 * DAY,
      });
      await seed(t);
      const { db, runner, resolution } = (t as unknown as Internals).budgets.parts;
      const res = resolution(NOW);
      const budgets: StoredBudget[] = await runner.read(() => loadBudgets(db));
      expect(new Set(budgets.map((b) => b.metric)).size).toBe(5);
      // Now (with forecasts), and instants a backfill evaluates: a month's first ms, mid-month, the last ms.
      for (const at of [null, MARCH, MARCH + 12 * DAY + 3_333, APRIL - 1]) {
        const shared = await runner.read(() => readBudgetValues(db, budgets, at, NOW, res));
        const reference = await runner.read(() => referenceBudgetValues(db, budgets, at, NOW, res));
        expect(shared).toEqual(reference);
        // Each metric alone too (a read with no cost budget reads no plans; one with only storage, no month).
        for (const metric of ['cost', 'storage_level', 'api_calls']) {
          const some = budgets.filter((b) => b.metric === metric);
          const alone = await runner.read(() => readBudgetValues(db, some, at, NOW, res));
          expect(alone).toEqual(new Map(some.map((b) => [b.id, reference.get(b.id)])));
        }
      }
      // The comparison is not vacuous: values move with the month, and cost, forecast and full date are set.
      const values = [...(await runner.read(() => readBudgetValues(db, budgets, null, NOW, res))).values()];
      expect(values.filter((v) => v.current > 0).length).toBeGreaterThan(budgets.length / 2);
      expect(values.some((v) => v.forecast !== null && v.forecast > v.current)).toBe(true);
      expect(values.some((v) => v.projectedFullAt !== null)).toBe(true);
      const costs = budgets.filter((b) => b.metric === 'cost' && b.backend === 'disk');
      const costValues = await runner.read(() => readBudgetValues(db, costs, null, NOW, res));
      expect(new Set(costs.map((b) => costValues.get(b.id)!.current)).size).toBeGreaterThan(1);
      await t.close();
    });
  });
});
