import { describe, expect, it } from 'vitest';
import { loadBudgets, type StoredBudget } from '../src/budgets/budget-store.js';
import { readBudgetValues } from '../src/budgets/budget-values.js';
import { openResourceTracker } from '../src/index.js';
import { APRIL, DAY, type Internals, MARCH, NOW, seedBudgets } from './support/budget-seed.js';
import { referenceBudgetValues } from './support/budget-values-reference.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Issue 12's budget read: every budget is answered from one usage ledger read shared by all zones and
// metrics. It must answer exactly what the straightforward read answers (one aggregate per zone, getCosts'
// whole report per zone: test/support/budget-values-reference.ts), for the month now and for past months
// (what a backfill evaluates), with ragged edges, zones whose months start off the UTC day, plans in their
// own zones, events dated ahead, and budgets of every backend, one backend and a backend never seen.

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
      await seedBudgets(t);
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
