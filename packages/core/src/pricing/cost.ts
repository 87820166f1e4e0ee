// The cost of a backend's usage over a range, exactly. In each billing month M (in the plan's zone):
//
//   cost[a, b) = T(U(b)) − T(U(a)),   U(t) = units used in [start(M), t)
//
// with T the plan's graduated tier function, so the tier position counts the whole month's usage even
// when the range starts mid-month or a later plan took over mid-month. A range over several months or
// plans sums its pieces. Each (backend, resource) line is summed exactly and rounded once to the micro.

import { BytemeterError, ValidationError } from '../errors.js';
import { describe } from '../event-rules.js';
import { GIB_BYTES, PRICED_RESOURCES, type PricedResource } from '../vocabulary.js';
import { type BillingMonth, splitByMonth } from './billing-month.js';
import { NANOS_PER_MICRO } from './decimal-price.js';
import { type CompiledPlan, compilePlan, type PricePlan } from './price-plan.js';
import { add, type Rational, ratio, roundHalfAwayFromZero, ZERO } from './rational.js';
import { tierNanosOver } from './tiers.js';

/** Resources whose usage is measured (the monthly fee is a function of time alone). */
export type MeteredResource = Exclude<PricedResource, 'monthly_fee'>;

/**
 * Raw usage of one backend in [from, to): bytes for upload and download, calls for each call class, and
 * byte-milliseconds for storage (∫ level dt, see storageByteMs). The tracker answers it from rollups.
 */
export type UsageSource = (resource: MeteredResource, from: number, to: number) => bigint | number;

/** One (backend, resource) line of a cost. */
export interface ResourceCostLine {
  resource: PricedResource;
  /** Units used in the range: GiB, GiB-months, calls or months, exact. */
  units: Rational;
  /** The exact cost in micro-dollars, before rounding. */
  exactMicros: Rational;
  /** exactMicros rounded to the nearest micro, halves away from zero. */
  costMicros: number;
}

export interface BackendCostBreakdown {
  /** One line per resource priced by a plan in force during the range, in PRICED_RESOURCES order. */
  resources: ResourceCostLine[];
  /** Σ costMicros of the lines. */
  computedCostMicros: number;
  /** Whether any plan prices any part of the range. */
  hasPlan: boolean;
}

const GIB = BigInt(GIB_BYTES);

/** The divisor that turns a resource's raw usage in a month into its priced unit. */
export function unitDivisor(resource: PricedResource, month: BillingMonth): bigint {
  switch (resource) {
    case 'upload':
    case 'download':
      return GIB;
    case 'storage':
      return GIB * BigInt(month.lengthMs);
    case 'monthly_fee':
      return BigInt(month.lengthMs);
    default:
      return 1n;
  }
}

function rawUsage(resource: PricedResource, from: number, to: number, usage: UsageSource): bigint {
  if (from >= to) return 0n;
  // The fee is spread evenly over the month's milliseconds: its usage is elapsed time.
  if (resource === 'monthly_fee') return BigInt(to - from);
  const value = usage(resource, from, to);
  const raw = typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value) : -1n;
  if (raw < 0n) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `Usage of ${resource} in [${from}, ${to}) must be a whole number ≥ 0; got ${describe(value)}.`,
      'usage',
    );
  }
  return raw;
}

/** The plans in force over [from, to): each plan from its effectiveFrom until the next one's. */
export function planSpans(
  plans: readonly PricePlan[],
  from: number,
  to: number,
): { plan: CompiledPlan; from: number; to: number }[] {
  const sorted = plans.map(compilePlan).sort((x, y) => (x.plan.effectiveFrom ?? -1) - (y.plan.effectiveFrom ?? -1));
  const spans: { plan: CompiledPlan; from: number; to: number }[] = [];
  for (const [i, plan] of sorted.entries()) {
    const next = sorted[i + 1];
    if (next && next.plan.effectiveFrom === plan.plan.effectiveFrom) {
      throw new ValidationError(
        'INVALID_PRICE_PLAN',
        `Two plans of backend "${plan.plan.backend}" take effect at the same instant; keep one.`,
        'effectiveFrom',
      );
    }
    const start = Math.max(from, plan.plan.effectiveFrom ?? from);
    const end = Math.min(to, next?.plan.effectiveFrom ?? to);
    if (start < end) spans.push({ plan, from: start, to: end });
  }
  return spans;
}

/** Exact nano-dollars and units of one resource over [from, to) inside one billing month, under one plan. */
export function pieceCost(
  plan: CompiledPlan,
  resource: PricedResource,
  month: BillingMonth,
  from: number,
  to: number,
  usage: UsageSource,
): { units: Rational; nanos: Rational } {
  const tiers = plan.tiers.get(resource);
  if (!tiers) return { units: ZERO, nanos: ZERO };
  const divisor = unitDivisor(resource, month);
  const before = rawUsage(resource, month.start, from, usage);
  const used = rawUsage(resource, from, to, usage);
  const nanos = ratio(tierNanosOver(tiers, before + used, divisor) - tierNanosOver(tiers, before, divisor), divisor);
  return { units: ratio(used, divisor), nanos };
}

/** Rounds exact micros once, half away from zero, to a safe-integer number. */
export function roundMicros(exactMicros: Rational): number {
  const micros = roundHalfAwayFromZero(exactMicros);
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BytemeterError(
      'TOTAL_TOO_LARGE',
      `A cost of ${micros} micros passes 2^53 − 1 and cannot be returned exactly.`,
    );
  }
  return Number(micros);
}

/**
 * The cost of one backend's usage in [from, to) under its plans (one backend's, any order; none: cost 0,
 * hasPlan false). Usage before the first plan's effectiveFrom is not priced.
 * @example
 * // 3 GiB downloaded in March, first GiB free then $0.09/GiB → 180_000 micros ($0.18)
 * const plan = parsePricePlan({ backend: 's3', prices: [
 *   { resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] },
 * ] });
 * computeBackendCost({ plans: [plan], from: march1, to: april1, usage: () => 3 * 2 ** 30 }).computedCostMicros // 180000
 */
export function computeBackendCost(options: {
  plans: readonly PricePlan[];
  from: number;
  to: number;
  usage: UsageSource;
}): BackendCostBreakdown {
  const { plans, from, to, usage } = options;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
    throw new ValidationError(
      'INVALID_RANGE',
      `A cost range must be whole ms with from ≤ to; got [${describe(from)}, ${describe(to)}).`,
      'range',
    );
  }
  const totals = new Map<PricedResource, { units: Rational; nanos: Rational }>();
  const spans = planSpans(plans, from, to);
  for (const span of spans) {
    for (const piece of splitByMonth(span.from, span.to, span.plan.plan.timezone)) {
      for (const resource of span.plan.tiers.keys()) {
        const part = pieceCost(span.plan, resource, piece.month, piece.from, piece.to, usage);
        const sum = totals.get(resource) ?? { units: ZERO, nanos: ZERO };
        totals.set(resource, { units: add(sum.units, part.units), nanos: add(sum.nanos, part.nanos) });
      }
    }
  }
  const resources = PRICED_RESOURCES.filter((r) => totals.has(r)).map((resource): ResourceCostLine => {
    const { units, nanos } = totals.get(resource)!;
    const exactMicros = ratio(nanos.n, nanos.d * NANOS_PER_MICRO);
    return { resource, units, exactMicros, costMicros: roundMicros(exactMicros) };
  });
  return {
    resources,
    computedCostMicros: resources.reduce((sum, line) => sum + line.costMicros, 0),
    hasPlan: spans.length > 0,
  };
}
