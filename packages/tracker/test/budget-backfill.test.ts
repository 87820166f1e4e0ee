import { describe, expect, it } from 'vitest';
import { backfillReads, MAX_BACKFILL_MONTHS } from '../src/budgets/budget-evaluator.js';
import type { StoredBudget } from '../src/budgets/budget-store.js';
import { openResourceTracker } from '../src/index.js';
import { periodRange } from '../src/time/zone.js';
import { eventually } from './support/eventually.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// After a backfill the evaluator reads the earlier billing months the events fell in. Each zone's budgets
// are read at their own months only: zones × months reads, where pairing every zone's month instants with
// every budget read zones² × months (each budget once per zone's copy of the same month).

const DAY = 86_400_000;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1);
const MAY = Date.UTC(2026, 4, 1);
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata'];

const budget = (id: string, timezone: string): StoredBudget =>
  ({ id, timezone, metric: 'bandwidth_upload', backend: null }) as StoredBudget;

describe('backfill reads', () => {
  it('read each zone’s budgets once per earlier month of that zone, never at another zone’s months', () => {
    const budgets = ZONES.flatMap((zone, z) => [budget(`a${z}`, zone), budget(`b${z}`, zone)]);
    const now = MAY + 5 * DAY;
    // Written back to mid-March: March and April are earlier months in every zone.
    const reads = backfillReads(budgets, MARCH + 14 * DAY, now);
    expect(reads).toHaveLength(ZONES.length * 2);
    const seen = new Map<string, number[]>();
    for (const { at, budgets: some } of reads) {
      const zones = new Set(some.map((b) => b.timezone));
      expect(zones.size).toBe(1);
      const [zone] = zones;
      expect(at).toBe(periodRange(at, 'month', zone!).from);
      expect(periodRange(at, 'month', zone!).to).toBeLessThanOrEqual(periodRange(now, 'month', zone!).from);
      for (const b of some) seen.set(b.id, [...(seen.get(b.id) ?? []), at]);
    }
    // Every budget is read exactly at its zone's March and April starts.
    for (const b of budgets) {
      const months = [MARCH + DAY, APRIL + DAY].map((t) => periodRange(t, 'month', b.timezone).from);
      expect(seen.get(b.id)?.sort((x, y) => x - y)).toEqual(months);
    }
  });

  it('nothing written before the current month: no reads; far back: at most MAX_BACKFILL_MONTHS per zone', () => {
    const budgets = ZONES.map((zone, z) => budget(`c${z}`, zone));
    const now = MAY + 5 * DAY;
    expect(backfillReads(budgets, Number.POSITIVE_INFINITY, now)).toEqual([]);
    expect(backfillReads(budgets, MAY + 2 * DAY, now)).toEqual([]);
    expect(backfillReads(budgets, 0, now)).toHaveLength(ZONES.length * MAX_BACKFILL_MONTHS);
  });
});

describeEachDialect('backfill alerts by zone', () => {
  it('a backfilled event alerts in each budget’s own billing month, once', async () => {
    const clock = fixedClock(MAY + 5 * DAY);
    const t = openResourceTracker({
      ...(await newStore('zones')),
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
      budgetCheckIntervalMs: 10,
    });
    const limits = { metric: 'bandwidth_upload' as const, limit: 100, thresholds: [100], alertOnForecast: false };
    const utc = await t.setBudget({ name: 'utc', timezone: 'UTC', ...limits });
    const kolkata = await t.setBudget({ name: 'kolkata', timezone: 'Asia/Kolkata', ...limits });
    // 20:00 UTC on 31 March is 01:30 on 1 April in Kolkata: March for one budget, April for the other.
    t.trackBandwidthUpload('photos', 's3', 150, { timestamp: APRIL - 4 * 3_600_000 });
    await t.flush();
    await eventually(async () => (await t.getBudgetAlerts({ first: 100 })).length >= 2);
    const alerts = (await t.getBudgetAlerts({ first: 100 })).map((a) => [a.budgetId, a.periodStart]).sort();
    expect(alerts).toEqual(
      [
        [utc.budget.id, '2026-03-01T00:00:00.000Z'],
        [kolkata.budget.id, '2026-04-01T00:00:00.000+05:30'],
      ].sort(),
    );
    await t.close();
  });
});
