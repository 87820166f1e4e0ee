// Month-end projection, stated plainly: what the month has cost so far, plus what the days left will cost
// if usage goes on as it recently did. Transfer and calls continue at their average daily rate over a
// recent window (7 days by default), storage stays at its current level, the monthly fee runs to the end.
// The projected usage is priced through the tiers from the month-to-date position, so a free allowance
// used up mid-month is projected as used up.

import { ValidationError } from '../errors.js';
import { describe } from '../event-rules.js';
import { DAY_MS, GIB_BYTES, PRICED_RESOURCES, type PricedResource } from '../vocabulary.js';
import { assertInstant, billingMonth } from './billing-month.js';
import {
  type BackendCostBreakdown,
  computeBackendCost,
  type MeteredResource,
  planSpans,
  roundMicros,
  type UsageSource,
  unitDivisor,
} from './cost.js';
import { NANOS_PER_MICRO } from './decimal-price.js';
import type { PricePlan } from './price-plan.js';
import { add, type Rational, ratio, sub, toNumber, ZERO } from './rational.js';
import { tierCost } from './tiers.js';

export const DEFAULT_RATE_WINDOW_MS = 7 * DAY_MS;

export interface ForecastLine {
  resource: PricedResource;
  /** Exact micro-dollars of the month so far, and projected for the rest of it. */
  monthToDateMicros: Rational;
  projectedMicros: Rational;
  /** Their sum, rounded once (half away from zero). */
  monthEndMicros: number;
}

export interface MonthEndForecast {
  /** The billing month holding `at`, in the zone of the plan in force at `at`; null without a plan. */
  monthStart: number | null;
  monthEnd: number | null;
  timezone: string | null;
  resources: ForecastLine[];
  /** Σ monthEndMicros of the lines. */
  monthEndMicros: number;
  /** The method in words (GraphQL CostForecast.method). */
  method: string;
}

const GIB = BigInt(GIB_BYTES);
const FLOW_WORDS: Record<Exclude<MeteredResource, 'storage'>, string> = {
  upload: 'upload',
  download: 'download',
  api_calls_class_a: 'class A calls',
  api_calls_class_b: 'class B calls',
  api_calls_unclassified: 'unclassified calls',
};
const toMicros = (nanos: Rational): Rational => ratio(nanos.n, nanos.d * NANOS_PER_MICRO);

function raw(value: bigint | number, what: string): bigint {
  const v = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : -1n;
  if (v < 0n)
    throw new ValidationError('INVALID_AMOUNT', `${what} must be a whole number ≥ 0; got ${describe(value)}.`, what);
  return v;
}

/**
 * Projects the cost of the whole billing month holding `at` (the plan in force at `at` decides the zone
 * and prices the rest of the month): month to date + the recent daily rate × the days left.
 * `storageLevel` is the level (bytes) at `at`.
 * @example
 * forecastMonthEnd({ plans, at: Date.now(), usage, storageLevel: 5 * 2 ** 30 }).method
 */
export function forecastMonthEnd(options: {
  plans: readonly PricePlan[];
  at: number;
  usage: UsageSource;
  storageLevel: bigint | number;
  rateWindowMs?: number;
  /**
   * A cost the caller already computed with the same plans and usage; used as the month to date when its
   * range is exactly [start of the month holding `at`, at), instead of pricing that range again.
   */
  monthToDate?: { from: number; to: number; cost: BackendCostBreakdown };
}): MonthEndForecast {
  const { plans, at, usage } = options;
  assertInstant(at, 'at');
  const windowMs = options.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS;
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new ValidationError(
      'INVALID_OPTION',
      `rateWindowMs must be a whole number of ms > 0; got ${describe(windowMs)}.`,
      'rateWindowMs',
    );
  }
  const level = raw(options.storageLevel, 'storageLevel');
  const current = planSpans(plans, at, at + 1)[0]?.plan;
  if (!current) {
    return {
      monthStart: null,
      monthEnd: null,
      timezone: null,
      resources: [],
      monthEndMicros: 0,
      method: 'No price plan is in force now, so nothing is projected.',
    };
  }
  const month = billingMonth(at, current.plan.timezone);
  const given = options.monthToDate;
  const soFar =
    given && given.from === month.start && given.to === at
      ? given.cost
      : computeBackendCost({ plans, from: month.start, to: at, usage });
  const left = BigInt(month.end - at);
  const windowStart = Math.max(0, at - windowMs);
  const window = BigInt(at - windowStart);

  const projected = new Map<PricedResource, Rational>();
  for (const [resource, tiers] of current.tiers) {
    // Raw usage so far and raw usage projected for the days left, in the resource's own raw unit.
    let before: bigint;
    let rest: Rational;
    if (resource === 'monthly_fee') {
      before = BigInt(at - month.start);
      rest = ratio(left);
    } else {
      before = at > month.start ? raw(usage(resource, month.start, at), resource) : 0n;
      if (resource === 'storage') {
        rest = ratio(level * left);
      } else {
        const recent = window > 0n ? raw(usage(resource, windowStart, at), resource) : 0n;
        rest = window > 0n ? ratio(recent * left, window) : ZERO;
      }
    }
    const divisor = unitDivisor(resource, month);
    const from = ratio(before, divisor);
    const to = add(from, ratio(rest.n, rest.d * divisor));
    projected.set(resource, toMicros(sub(tierCost(tiers, to), tierCost(tiers, from))));
  }

  const resources = PRICED_RESOURCES.filter(
    (r) => projected.has(r) || soFar.resources.some((line) => line.resource === r),
  ).map((resource): ForecastLine => {
    const monthToDateMicros = soFar.resources.find((line) => line.resource === resource)?.exactMicros ?? ZERO;
    const projectedMicros = projected.get(resource) ?? ZERO;
    return {
      resource,
      monthToDateMicros,
      projectedMicros,
      monthEndMicros: roundMicros(add(monthToDateMicros, projectedMicros)),
    };
  });

  const daysLeft = toNumber(ratio(left, BigInt(DAY_MS))).toFixed(2);
  const windowDays = toNumber(ratio(window, BigInt(DAY_MS)))
    .toFixed(2)
    .replace(/\.00$/, '');
  const parts: string[] = [];
  const has = (r: PricedResource) => current.tiers.has(r);
  const flowing = (Object.keys(FLOW_WORDS) as Exclude<MeteredResource, 'storage'>[]).filter(has);
  if (flowing.length > 0) {
    const words = flowing.map((r) => FLOW_WORDS[r]).join(', ');
    parts.push(`${words} at their average daily rate over the last ${windowDays} days`);
  }
  if (has('storage')) parts.push(`storage held at its current level (${toNumber(ratio(level, GIB))} GiB)`);
  if (has('monthly_fee')) parts.push('the monthly fee to the end of the month');
  const monthEndMicros = resources.reduce((sum, line) => sum + line.monthEndMicros, 0);
  return {
    monthStart: month.start,
    monthEnd: month.end,
    timezone: current.plan.timezone,
    resources,
    monthEndMicros,
    method:
      `Month to date (from ${new Date(month.start).toISOString()}, the start of the month in ${current.plan.timezone}) ` +
      `plus the ${daysLeft} days left with ${parts.join('; ') || 'nothing priced'}; the projected usage is priced ` +
      `through the plan's tiers from the month-to-date position, and each resource is rounded once to the micro.`,
  };
}
