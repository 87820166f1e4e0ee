// The straightforward budget read, as budgets/budget-values.ts read before it shared one usage ledger:
// one aggregate per zone for transfer and calls, getCosts' whole report per zone for cost, one aggregate
// for the storage growth. Tests compare the shared read with it (it must answer the same, exactly), and
// the budgets benchmark times both in one run.

import { BUDGET_RATE_WINDOW_MS, projectFullAt, projectMonthEnd } from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import type { StoredBudget } from '../../src/budgets/budget-store.js';
import type { BudgetValue } from '../../src/budgets/budget-values.js';
import type { Plan } from '../../src/db/runner.js';
import type { Database } from '../../src/db/schema.js';
import { aggregateRanges, type Cell, cellKey } from '../../src/query/aggregate.js';
import { type BackendRow, loadBackends } from '../../src/query/backends.js';
import { costReportPlan, type PricedCosts, resolveCostRange } from '../../src/query/get-costs.js';
import { MINUTE_MS, type Resolution } from '../../src/rollup/grains.js';
import { periodRange } from '../../src/time/zone.js';
import { RESOURCE_CODE } from '../../src/types.js';

/** Events may be dated up to a day ahead; a level counts every stored change. */
const FUTURE_SLACK_MS = 2 * 86_400_000;

const MONTHLY_RESOURCE: Record<string, number> = {
  bandwidth_upload: RESOURCE_CODE.bandwidth_upload,
  bandwidth_download: RESOURCE_CODE.bandwidth_download,
  api_calls: RESOURCE_CODE.api_calls,
};

/**
 * The value of each budget for the billing month holding `at` in its zone (now when `at` is null: with
 * forecasts), read in one snapshot. Storage budgets always read the level now.
 */
export function* referenceBudgetValues(
  db: Kysely<Database>,
  budgets: readonly StoredBudget[],
  at: number | null,
  now: number,
  res: Resolution,
): Plan<Map<string, BudgetValue>> {
  const values = new Map<string, BudgetValue>();
  if (budgets.length === 0) return values;
  const backends = yield* loadBackends(db);
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
  const current = at === null;

  // Transfer and calls: one aggregate per zone over its month, and one over the recent window for forecasts.
  const monthly = budgets.filter((b) => b.metric in MONTHLY_RESOURCE);
  const resources = Object.values(MONTHLY_RESOURCE);
  const monthCells = new Map<string, { range: { from: number; to: number }; cells: Map<number, Cell> }>();
  for (const zone of new Set(monthly.map((b) => b.timezone))) {
    const range = periodRange(instant, 'month', zone);
    const { cells } = yield* aggregateRanges(db, [range], { resources }, res);
    monthCells.set(zone, { range, cells: cells[0]! });
  }
  let recent: Map<number, Cell> | null = null;
  if (current && monthly.length > 0) {
    const { cells } = yield* aggregateRanges(
      db,
      [{ from: edge - BUDGET_RATE_WINDOW_MS, to: edge }],
      { resources },
      res,
    );
    recent = cells[0]!;
  }
  const sum = (cells: Map<number, Cell>, rows: readonly BackendRow[], resource: number) =>
    rows.reduce((total, row) => total + (cells.get(cellKey(row.id, resource))?.total ?? 0), 0);
  for (const b of monthly) {
    const { range, cells } = monthCells.get(b.timezone)!;
    const resource = MONTHLY_RESOURCE[b.metric]!;
    const rows = chosen(b);
    const total = sum(cells, rows, resource);
    const forecast =
      recent === null
        ? null
        : projectMonthEnd({ monthToDate: total, recent: sum(recent, rows, resource), at: now, monthEnd: range.to });
    values.set(b.id, { current: total, forecast, projectedFullAt: null, month: { start: range.from, end: range.to } });
  }

  // Cost: getCosts' own plan, once per zone (one grouped read of every backend), each backend's line and
  // its share of the forecast; an all-backends budget takes the totals.
  const costs = budgets.filter((b) => b.metric === 'cost');
  const reports = new Map<string, PricedCosts>();
  for (const zone of new Set(costs.map((b) => b.timezone))) {
    const q = { period: 'month' as const, timezone: zone, at: new Date(instant) };
    // Priced up to the minute edge (at most a minute of storage and monthly fee early).
    reports.set(zone, yield* costReportPlan(db, q, resolveCostRange(q, now), edge, res));
  }
  for (const b of costs) {
    const { report, forecasts } = reports.get(b.timezone)!;
    const range = periodRange(instant, 'month', b.timezone);
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
  // a backend younger than that is averaged over the whole window, which projects a later date).
  const storage = budgets.filter((b) => b.metric === 'storage_level');
  if (storage.length > 0) {
    const from = edge - BUDGET_RATE_WINDOW_MS;
    const { cells } = yield* aggregateRanges(
      db,
      [{ from, to: edge + FUTURE_SLACK_MS }],
      { resources: [RESOURCE_CODE.storage_used] },
      res,
    );
    for (const b of storage) {
      const rows = chosen(b);
      const level = rows.reduce((total, row) => total + row.storageLevel, 0);
      const change = sum(cells[0]!, rows, RESOURCE_CODE.storage_used);
      const projected = projectFullAt({ level, change, windowMs: BUDGET_RATE_WINDOW_MS, at: now, limit: b.limit });
      values.set(b.id, { current: level, forecast: null, projectedFullAt: projected, month: null });
    }
  }
  return values;
}
