// Computed and reported cost per backend over a calendar period or an explicit range (GraphQL `costs`):
// core's pricing engine over usage read from rollups (pricing/usage-ledger.ts), with the month-end forecast.

import {
  computeBackendCost,
  forecastMonthEnd,
  type MonthEndForecast,
  type PricedResource,
  type PricePlan,
  toNumber,
  type UsageSource,
} from '@bytemeter/core/pricing';
import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { BytemeterError } from '../errors.js';
import { loadPricingInputs } from '../pricing/pricing-inputs.js';
import { readUsageLedgers, recordingSource, type UsageLedger, type UsageRequest } from '../pricing/usage-ledger.js';
import { type Resolution, snapEdge } from '../rollup/grains.js';
import { toIsoInZone } from '../time/zone.js';
import { type BackendType, type Period, RESOURCE_CODE } from '../types.js';
import type { BackendFilter } from './backend-filter.js';
import { type BackendRow, selectBackends } from './backends.js';
import { resolveSummaryRange } from './get-resource-summary.js';

export interface CostQuery extends BackendFilter {
  /** A calendar period in `timezone` holding `at` (default now); default 'month'. */
  period?: Period;
  timezone?: string;
  at?: Date;
  /** An explicit range instead of a period (both needed). */
  from?: Date;
  to?: Date;
}

export interface ResourceCost {
  resource: PricedResource;
  /** Units used in the range (GiB, GiB-months, calls, months). */
  units: number;
  /** The exact cost rounded once to the nearest micro (half away from zero). */
  costMicros: number;
}

export interface BackendCost {
  backend: string;
  backendType: BackendType;
  /** Σ costMicros of the resources; 0 without a plan. */
  computedCostMicros: number;
  /** OPERATION_COST events recorded in the range (what the application reported itself). */
  reportedCostMicros: number;
  resources: ResourceCost[];
  hasPlan: boolean;
}

export interface CostReport {
  period: Period | null;
  periodStart: string;
  periodEnd: string;
  timezone: string;
  backends: BackendCost[];
  computedTotalMicros: number;
  reportedTotalMicros: number;
  /** The billing month holding the report's end (or now, if sooner), projected to its end. */
  forecast: { monthEndMicros: number; method: string };
}

/** Validates a cost query and turns it into a range (the period defaults to the month); throws ValidationError. */
export function resolveCostRange(q: CostQuery, now: number) {
  return resolveSummaryRange({ ...q, period: q.period ?? 'month' }, now);
}

function safeSum(values: readonly number[], what: string): number {
  const sum = values.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(sum)) {
    throw new BytemeterError('TOTAL_TOO_LARGE', `The ${what} of all backends passes 2^53 − 1 micros; ask per backend.`);
  }
  return sum;
}

/**
 * The cost report: each known backend (or the one named) priced by its plans over the range up to now, the
 * application's reported cost beside it, and a forecast of the month holding min(now, the range's end).
 * Reads rollups only, plus raw events at sub-minute range ends.
 */
export function* getCostsPlan(
  db: Kysely<Database>,
  q: CostQuery,
  range: ReturnType<typeof resolveCostRange>,
  now: number,
  res: Resolution,
): Plan<CostReport> {
  return (yield* costReportPlan(db, q, range, now, res)).report;
}

/** A cost report and each backend's share of its forecast (what a budget of one backend projects). */
export interface PricedCosts {
  report: CostReport;
  forecasts: Map<string, number>;
}

/** The cost report, and each backend's share of its forecast. */
export function* costReportPlan(
  db: Kysely<Database>,
  q: CostQuery,
  range: ReturnType<typeof resolveCostRange>,
  now: number,
  res: Resolution,
): Plan<PricedCosts> {
  const inputs = yield* loadPricingInputs();
  const backends = selectBackends(inputs.backends, q.backend);
  const pending = pendingCostReport(backends, inputs.plans, range, now, res);
  // One read for all backends: every backend's ranges are answered from the union of the edges.
  const ledgers = yield* readUsageLedgers(
    db,
    backends.map((b) => b.id),
    pending.instants,
    res,
    { everyBackend: q.backend === undefined },
  );
  return pending.finish(ledgers);
}

/** A cost report between its two pricing passes: the instants its ledgers must hold, then the report. */
export interface PendingCostReport {
  instants: number[];
  /** Prices from ledgers of these backends holding (at least) `instants`: more edges change no answer. */
  finish(ledgers: ReadonlyMap<number, UsageLedger>): PricedCosts;
}

/**
 * The cost report of these backends priced by these plans, up to the reading: the first pass runs here
 * (it records the ranges the engine will ask, which depend on plans and instants only), the second once
 * the ledgers are read. Several reports (a budget read prices one per zone) can so share one ledger read,
 * and `sharedForecasts`: a backend's forecast depends on its plans, the forecast instant and its usage, not
 * on the report's range (the month to date handed over is only a shortcut to the same value), so reports
 * over the same ledgers and instant (every zone's month now) project each backend once. Reports sharing
 * the map must be finished in the order they were made (a ledger missing an edge throws, it never guesses).
 */
export function pendingCostReport(
  backends: readonly BackendRow[],
  plans: readonly PricePlan[],
  range: ReturnType<typeof resolveCostRange>,
  now: number,
  res: Resolution,
  sharedForecasts: Map<string, MonthEndForecast> = new Map(),
): PendingCostReport {
  const from = snapEdge(range.from, res);
  const end = snapEdge(range.to, res);
  // Usage is priced up to now: the rest of a period still running is the forecast's (a stored level or
  // the monthly fee would otherwise be charged for time that has not passed).
  const to = Math.max(from, Math.min(end, snapEdge(now, res)));
  const at = Math.max(from, Math.min(now, end - 1));
  const price = (mine: readonly PricePlan[], usage: UsageSource, storageLevel: bigint, shared?: string) => {
    const cost = computeBackendCost({ plans: mine, from, to, usage });
    // The forecast's month to date is often the report itself (a month in the plan's zone, up to now):
    // handed over, it is not priced a second time.
    const forecast =
      (shared === undefined ? undefined : sharedForecasts.get(shared)) ??
      forecastMonthEnd({ plans: mine, at, usage, storageLevel, monthToDate: { from, to, cost } });
    if (shared !== undefined) sharedForecasts.set(shared, forecast);
    return { cost, forecast };
  };
  // First pass, every backend: the ranges the engine will ask (they depend on plans and instants only). A
  // forecast is recorded by the first report of a shared map to project that backend at that instant, the
  // one whose forecast the second pass then shares (reports are finished in the order they were made), so
  // a budget read in three zones records each backend's forecast once, not once per zone.
  const plansOf = new Map(backends.map((b) => [b.id, plans.filter((p) => p.backend === b.name)]));
  const requests: UsageRequest[] = [];
  for (const backend of backends)
    price(plansOf.get(backend.id)!, recordingSource(requests), 0n, `recorded:${backend.id}:${at}`);
  const instants = [from, to, at, ...requests.flatMap((r) => [r.from, r.to])];
  const finish = (ledgers: ReadonlyMap<number, UsageLedger>): PricedCosts => {
    const forecasts = new Map<string, number>();
    const lines: BackendCost[] = [];
    const methods: string[] = [];
    let forecastMicros = 0;
    for (const backend of backends) {
      const ledger = ledgers.get(backend.id)!;
      const { cost, forecast } = price(
        plansOf.get(backend.id)!,
        ledger.source,
        ledger.levelAt(at),
        `${backend.id}:${at}`,
      );
      lines.push({
        backend: backend.name,
        backendType: backend.type,
        computedCostMicros: cost.computedCostMicros,
        reportedCostMicros: ledger.total(RESOURCE_CODE.operation_cost, from, to),
        resources: cost.resources.map((line) => ({
          resource: line.resource,
          units: toNumber(line.units),
          costMicros: line.costMicros,
        })),
        hasPlan: cost.hasPlan,
      });
      forecastMicros += forecast.monthEndMicros;
      forecasts.set(backend.name, forecast.monthEndMicros);
      if (forecast.monthStart !== null) methods.push(`${backend.name}: ${forecast.method}`);
    }
    const report: CostReport = {
      period: range.period,
      periodStart: toIsoInZone(from, range.timezone),
      periodEnd: toIsoInZone(end, range.timezone),
      timezone: range.timezone,
      backends: lines,
      computedTotalMicros: safeSum(
        lines.map((l) => l.computedCostMicros),
        'computed cost',
      ),
      reportedTotalMicros: safeSum(
        lines.map((l) => l.reportedCostMicros),
        'reported cost',
      ),
      forecast: {
        monthEndMicros: safeSum([forecastMicros], 'forecast'),
        method:
          methods.length > 0
            ? methods.join(' ')
            : 'No price plan is in force at the forecast instant, so nothing is projected.',
      },
    };
    return { report, forecasts };
  };
  return { instants, finish };
}
