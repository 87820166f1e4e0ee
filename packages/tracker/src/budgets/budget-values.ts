// A budget's value read from rollups: this billing month's total (costs through the same machinery as
// getCosts) or the storage level, with the month-end projection and, for quotas, the projected full date.
// Every budget is answered from one usage ledger read (pricing/usage-ledger.ts): its edges are every
// instant any budget asks (each zone's month, the recent window, each zone's cost report's ranges), so
// 100 budgets in several zones cost one set of queries, not one per zone or per budget. A ledger answers
// each range as the sum of its intervals, which is exact: more edges only split a sum.

import { BUDGET_RATE_WINDOW_MS, projectFullAt, projectMonthEnd } from '@bytemeter/core/budgets';
import type { MonthEndForecast } from '@bytemeter/core/pricing';
import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { execScript } from '../db/pg-script.js';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { INPUTS_SQL, loadPricingInputs, type PricingInputs, pricingInputsOf } from '../pricing/pricing-inputs.js';
import { readUsageLedgers, type UsageLedger } from '../pricing/usage-ledger.js';
import { type BackendRow, loadBackends } from '../query/backends.js';
import { type PendingCostReport, pendingCostReport, resolveCostRange } from '../query/get-costs.js';
import { MINUTE_MS, type Resolution } from '../rollup/grains.js';
import { periodRange } from '../time/zone.js';
import { RESOURCE_CODE } from '../types.js';
import { budgetsQuery, loadBudgets, type StoredBudget, toStoredBudget } from './budget-store.js';

/** Events may be dated up to a day ahead; a level counts every stored change. */
const FUTURE_SLACK_MS = 2 * 86_400_000;

export interface BudgetValue {
  /** The month's total, or the storage level. */
  current: number;
  /** Month-end projection (the month holding now only); null for storage and past months. */
  forecast: number | null;
  /** Storage quotas: ms when the level reaches the limit at the recent rate; else null. */
  projectedFullAt: number | null;
  /** The billing month [start, end) the value covers; null for storage. */
  month: { start: number; end: number } | null;
}

const MONTHLY_RESOURCE: Record<string, number> = {
  bandwidth_upload: RESOURCE_CODE.bandwidth_upload,
  bandwidth_download: RESOURCE_CODE.bandwidth_download,
  api_calls: RESOURCE_CODE.api_calls,
};

/**
 * Every budget, and on PostgreSQL what pricing reads besides usage (every backend and plan): both texts in
 * one script, sent with the read's BEGIN, so a budget read costs a round trip for them and one for its
 * ledger. SQLite reads the pricing inputs in readBudgetValues, when some budget is a cost.
 */
export function* loadBudgetsForValues(
  db: Kysely<Database>,
): Plan<{ budgets: StoredBudget[]; inputs: PricingInputs | undefined }> {
  if (!isPostgres(db)) return { budgets: yield* loadBudgets(db), inputs: undefined };
  const [budgetRows, inputRows] = yield* execScript([budgetsQuery(db).sql, INPUTS_SQL]);
  return {
    budgets: (budgetRows as Parameters<typeof toStoredBudget>[0][]).map(toStoredBudget),
    inputs: pricingInputsOf(inputRows!),
  };
}

/**
 * The value of each budget for the billing month holding `at` in its zone (now when `at` is null: with
 * forecasts), read in one snapshot. Storage budgets always read the level now.
 */
export function* readBudgetValues(
  db: Kysely<Database>,
  budgets: readonly StoredBudget[],
  at: number | null,
  now: number,
  res: Resolution,
  /** Every backend and plan, when already read (loadBudgetsForValues). */
  inputs?: PricingInputs,
): Plan<Map<string, BudgetValue>> {
  const values = new Map<string, BudgetValue>();
  if (budgets.length === 0) return values;
  const monthly = budgets.filter((b) => b.metric in MONTHLY_RESOURCE);
  const costs = budgets.filter((b) => b.metric === 'cost');
  const storage = budgets.filter((b) => b.metric === 'storage_level');
  // Plans only when some budget is a cost, then with the backends in one statement; unless already read
  // (a budget list on PostgreSQL reads them with the budgets, in loadBudgetsForValues's script: which budgets
  // are costs is not known when it is sent, and leaving out the few plan rows is not worth a round trip).
  const { backends, plans } =
    inputs ?? (costs.length > 0 ? yield* loadPricingInputs() : { backends: yield* loadBackends(db), plans: [] });
  const byName = new Map(backends.map((b) => [b.name, b]));
  const chosen = (b: StoredBudget): BackendRow[] => {
    if (b.backend === null) return backends;
    const row = byName.get(b.backend);
    return row ? [row] : [];
  };
  const instant = at ?? now;
  // Ranges that end now end at the next whole minute instead: the events recorded so far are all before
  // it, and a minute edge reads minute rollups, where an edge at `now` would scan the raw events of the
  // current minute (all of them, at a high event rate) on every evaluation.
  const edge = Math.ceil(now / MINUTE_MS) * MINUTE_MS;
  const recentFrom = edge - BUDGET_RATE_WINDOW_MS;
  const current = at === null;

  // The instants every budget asks, so that one ledger read answers them all.
  const months = new Map<string, { from: number; to: number }>();
  for (const b of [...monthly, ...costs])
    if (!months.has(b.timezone)) months.set(b.timezone, periodRange(instant, 'month', b.timezone));
  const instants: number[] = [];
  for (const zone of new Set(monthly.map((b) => b.timezone))) {
    const range = months.get(zone)!;
    instants.push(range.from, range.to);
  }
  if (current && monthly.length > 0) instants.push(recentFrom, edge);
  if (storage.length > 0) instants.push(recentFrom, edge + FUTURE_SLACK_MS);
  // Cost: getCosts' own report once per zone (every backend's line, and its share of the forecast), priced
  // up to the minute edge (at most a minute of storage and monthly fee early).
  const reports = new Map<string, PendingCostReport>();
  if (costs.length > 0) {
    // Every zone's report projects the same instant over the same ledgers: each backend's forecast once.
    const forecasts = new Map<string, MonthEndForecast>();
    for (const zone of new Set(costs.map((b) => b.timezone))) {
      const q = { period: 'month' as const, timezone: zone, at: new Date(instant) };
      const report = pendingCostReport(backends, plans, resolveCostRange(q, now), edge, res, forecasts);
      reports.set(zone, report);
      instants.push(...report.instants);
    }
  }
  const ledgers: ReadonlyMap<number, UsageLedger> =
    instants.length === 0
      ? new Map()
      : yield* readUsageLedgers(
          db,
          backends.map((b) => b.id),
          instants,
          res,
          // Only cost prices storage over time; the other budgets need totals (and the storage Σ delta).
          { everyBackend: true, storageTime: costs.length > 0 },
        );
  const sum = (rows: readonly BackendRow[], resource: number, from: number, to: number) =>
    rows.reduce((total, row) => total + ledgers.get(row.id)!.total(resource, from, to), 0);

  // Transfer and calls: the month's total, and the recent window for forecasts.
  for (const b of monthly) {
    const range = months.get(b.timezone)!;
    const resource = MONTHLY_RESOURCE[b.metric]!;
    const rows = chosen(b);
    const total = sum(rows, resource, range.from, range.to);
    const forecast = current
      ? projectMonthEnd({
          monthToDate: total,
          recent: sum(rows, resource, recentFrom, edge),
          at: now,
          monthEnd: range.to,
        })
      : null;
    values.set(b.id, { current: total, forecast, projectedFullAt: null, month: { start: range.from, end: range.to } });
  }

  // Cost: each backend's line and its share of the forecast; an all-backends budget takes the totals.
  const priced = new Map([...reports].map(([zone, report]) => [zone, report.finish(ledgers)]));
  for (const b of costs) {
    const { report, forecasts } = priced.get(b.timezone)!;
    const range = months.get(b.timezone)!;
    const line = b.backend === null ? null : report.backends.find((l) => l.backend === b.backend);
    const cost = b.backend === null ? report.computedTotalMicros : (line?.computedCostMicros ?? 0);
    const forecast = b.backend === null ? report.forecast.monthEndMicros : (forecasts.get(b.backend) ?? 0);
    values.set(b.id, {
      current: cost,
      forecast: current ? forecast : null,
      projectedFullAt: null,
      month: { start: range.from, end: range.to },
    });
  }

  // Storage: the level now, and its net change over the last 7 days as the growth rate (a straight line;
  // a backend younger than that is averaged over the whole window, which projects a later date). The
  // change counts every stored change dated in the window or after it (events may be dated ahead).
  for (const b of storage) {
    const rows = chosen(b);
    const level = rows.reduce((total, row) => total + row.storageLevel, 0);
    const change = sum(rows, RESOURCE_CODE.storage_used, recentFrom, edge + FUTURE_SLACK_MS);
    const projected = projectFullAt({ level, change, windowMs: BUDGET_RATE_WINDOW_MS, at: now, limit: b.limit });
    values.set(b.id, { current: level, forecast: null, projectedFullAt: projected, month: null });
  }
  return values;
}
