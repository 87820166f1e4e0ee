import { describe, expect, it } from 'vitest';
import { backfillReads, MAX_BACKFILL_MONTHS } from '../src/budgets/budget-evaluator.js';
import type { StoredBudget } from '../src/budgets/budget-store.js';
import { openResourceTracker } from '../src/index.js';
import { periodRange } from '../src/time/zone.js';
import { eventually } from './support/eventually.js';
import { describeEachDialect, newStore, writeStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// After a backfill the evaluator reads the earlier billing months the events fell in. Each zone's budgets
// are read at their own months only: zones × months reads, where pairing every zone's month instants with
// every budget read zones² × months (each budget once per zone's copy of the same month).

const DAY = 86_400_000;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1);
const MAY = Date.UTC(2026, 4, 1);
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata'];

const budget = (id: string, timezone: string, createdAt = 0, revisedAt = createdAt): StoredBudget =>
  ({ id, timezone, metric: 'bandwidth_upload', backend: null, createdAt, revisedAt }) as StoredBudget;

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

  it('read a budget only at months that ended after it was created', () => {
    const now = MAY + 5 * DAY;
    const old = budget('old', 'UTC', MARCH + DAY);
    const recent = budget('recent', 'UTC', APRIL + 20 * DAY);
    const today = budget('today', 'UTC', now);
    const reads = backfillReads([old, recent, today], 0, now);
    // April (ends 1 May): old and recent; March (ends 1 April): old only; February ended before all three.
    expect(reads.map((r) => [r.at, r.budgets.map((b) => b.id)])).toEqual([
      [APRIL, ['old', 'recent']],
      [MARCH, ['old']],
    ]);
    expect(backfillReads([today], 0, now)).toEqual([]);
  });

  it('read a redefined budget only at months that ended after its redefinition', () => {
    const now = MAY + 5 * DAY;
    const redefined = budget('redefined', 'UTC', MARCH + DAY, APRIL + 20 * DAY);
    expect(backfillReads([redefined], 0, now).map((r) => r.at)).toEqual([APRIL]);
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
    // Created in March, before the months the backfill falls in ended (months that ended earlier are skipped).
    clock.set(MARCH + DAY);
    const utc = await t.setBudget({ name: 'utc', timezone: 'UTC', ...limits });
    const kolkata = await t.setBudget({ name: 'kolkata', timezone: 'Asia/Kolkata', ...limits });
    clock.set(MAY + 5 * DAY);
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

describeEachDialect('backfill alerts and budget creation', () => {
  it('a backfill alerts no month that ended before the budget was created', async () => {
    const clock = fixedClock(MAY + 5 * DAY);
    const t = openResourceTracker({
      ...(await newStore('created')),
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
      budgetCheckIntervalMs: 10,
    });
    // Every month from January to April is over the line already; no budget exists yet.
    const JANUARY = Date.UTC(2026, 0, 1);
    const FEBRUARY = Date.UTC(2026, 1, 1);
    for (const month of [FEBRUARY, MARCH, APRIL])
      t.trackBandwidthUpload('photos', 's3', 150, { timestamp: month + DAY });
    await t.flush();
    expect(await t.getBudgetAlerts({ first: 100 })).toEqual([]);
    const limits = { metric: 'bandwidth_upload' as const, limit: 100, thresholds: [100], alertOnForecast: false };
    // One budget set in March (alerts March at once, its current month then), one set today.
    clock.set(MARCH + 2 * DAY);
    await t.setBudget({ name: 'old', timezone: 'UTC', ...limits });
    clock.set(MAY + 5 * DAY);
    const today = await t.setBudget({ name: 'today', timezone: 'UTC', ...limits });
    // One event backfilled into January: the evaluation reads back to January. Storing the budget again
    // (unchanged) evaluates at once, after any evaluation running: the backfill's months are read by then.
    t.trackBandwidthUpload('photos', 's3', 1, { timestamp: JANUARY + DAY });
    await t.flush();
    await t.setBudget({ id: today.budget.id, name: 'today', timezone: 'UTC', ...limits });
    const alerts = (await t.getBudgetAlerts({ first: 100 })).map((a) => [a.budgetName, a.periodStart]).sort();
    // Old: March (at creation) and April (the backfill); not February or January, which ended before it
    // existed. Today's budget: none (May is under the line; every earlier month ended before it).
    expect(alerts).toEqual([
      ['old', '2026-03-01T00:00:00.000Z'],
      ['old', '2026-04-01T00:00:00.000Z'],
    ]);
    await t.close();
  });
});

describeEachDialect('backfill alerts and budget redefinition', () => {
  it('a backfill alerts no month that ended before what the budget measures was redefined', async () => {
    const clock = fixedClock(MARCH + DAY);
    const t = openResourceTracker({
      ...(await newStore('redefined')),
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
      budgetCheckIntervalMs: 10,
    });
    const base = { metric: 'bandwidth_upload' as const, timezone: 'UTC', alertOnForecast: false };
    // Both set in March: April is theirs under the first definition (60 of 100: under every line).
    const limit = await t.setBudget({ name: 'limit', limit: 100, thresholds: [100], ...base });
    const lines = await t.setBudget({ name: 'lines', limit: 100, thresholds: [100], ...base });
    clock.set(MAY + 5 * DAY);
    // Redefined in May: a lower limit (a new revision, starting in May), and a new threshold (the same
    // revision: it measures what it measured in April).
    await t.setBudget({ id: limit.budget.id, name: 'limit', limit: 50, thresholds: [100], ...base });
    await t.setBudget({ id: lines.budget.id, name: 'lines', limit: 100, thresholds: [50, 100], ...base });
    // April's 60 is over both new definitions' lines. April ended before the new limit existed: no alert.
    // The other budget measured April the same: its 50% line, crossed there, alerts April once.
    t.trackBandwidthUpload('photos', 's3', 60, { timestamp: APRIL + DAY });
    await t.flush();
    // Storing one again unchanged evaluates at once, after any evaluation running: April was read by then.
    await t.setBudget({ id: lines.budget.id, name: 'lines', limit: 100, thresholds: [50, 100], ...base });
    const april = (await t.getBudgetAlerts({ first: 100 })).map((a) => [a.budgetId, a.threshold, a.periodStart]);
    expect(april).toEqual([[lines.budget.id, 50, '2026-04-01T00:00:00.000Z']]);
    // The month of the redefinition is the new definitions' own: it alerts (at once, when set again renamed).
    t.trackBandwidthUpload('photos', 's3', 60, { timestamp: MAY + DAY });
    await t.flush();
    await t.setBudget({ id: limit.budget.id, name: 'renamed', limit: 50, thresholds: [100], ...base });
    const alerts = (await t.getBudgetAlerts({ first: 100 })).map((a) => [a.budgetId, a.threshold, a.periodStart]);
    expect(alerts.sort()).toEqual(
      [
        [limit.budget.id, 100, '2026-05-01T00:00:00.000Z'],
        [lines.budget.id, 50, '2026-04-01T00:00:00.000Z'],
        [lines.budget.id, 50, '2026-05-01T00:00:00.000Z'],
      ].sort(),
    );
    const [stored] = (await t.getBudgets()).filter((b) => b.id === limit.budget.id);
    expect(stored?.name).toBe('renamed');
    await t.close();
  });

  it.each([
    ['the forecast flag turned on', { alertOnForecast: true }],
    ['nothing changed', {}],
  ])('a line that existed all along alerts a backfilled crossing after an edit: %s', async (_, change) => {
    const clock = fixedClock(MARCH + DAY);
    const t = openResourceTracker({
      ...(await newStore(`edit-${Object.keys(change).length}`)),
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
      budgetCheckIntervalMs: 10,
    });
    const base = { name: 'b', metric: 'bandwidth_upload' as const, timezone: 'UTC', limit: 100, thresholds: [100] };
    const b = await t.setBudget({ ...base, alertOnForecast: false });
    clock.set(APRIL + 10 * DAY);
    t.trackBandwidthUpload('photos', 's3', 60, { timestamp: APRIL + DAY });
    await t.flush();
    // May 1st: an edit that keeps what the budget measures (the same revision).
    clock.set(MAY + DAY);
    await t.setBudget({ id: b.budget.id, ...base, alertOnForecast: false, ...change });
    // A late April event (in flight at the month's end) takes April to 110 of 100.
    t.trackBandwidthUpload('photos', 's3', 50, { timestamp: APRIL + 29 * DAY });
    await t.flush();
    await eventually(async () =>
      (await t.getBudgetAlerts({ first: 100 })).some((a) => a.periodStart === '2026-04-01T00:00:00.000Z'),
    );
    const april = (await t.getBudgetAlerts({ first: 100 })).filter((a) => a.kind === 'actual');
    expect(april.map((a) => [a.threshold, a.periodStart])).toEqual([[100, '2026-04-01T00:00:00.000Z']]);
    await t.close();
  });

  it('a budget a process before migration 0011 created (revised_at 0) alerts no month before it existed', async () => {
    const clock = fixedClock(MAY + 5 * DAY);
    const store = await newStore('old-insert');
    const t = openResourceTracker({
      ...store,
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
      budgetCheckIntervalMs: 10,
    });
    const base = { name: 'b', metric: 'bandwidth_upload' as const, timezone: 'UTC', limit: 100, thresholds: [100] };
    const b = await t.setBudget({ ...base, alertOnForecast: false });
    // What an older release's insert leaves: the column's default.
    await writeStore(store, `update budgets set revised_at = 0 where id = '${b.budget.id}'`);
    t.trackBandwidthUpload('photos', 's3', 150, { timestamp: MARCH + DAY });
    await t.flush();
    // Storing it again unchanged evaluates at once, after any evaluation running: March was read by then.
    await t.setBudget({ id: b.budget.id, ...base, alertOnForecast: false });
    expect(await t.getBudgetAlerts({ first: 100 })).toEqual([]);
    await t.close();
  });
});
