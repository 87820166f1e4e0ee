import { type Rational, ratio } from './rational.js';

/** One graduated tier, parsed: units above the previous tier's upTo (or 0) up to upTo cost priceNanos each. */
export interface CompiledTier {
  /** Upper bound in units; null on the last tier (unbounded). */
  upTo: bigint | null;
  /** Nano-dollars per unit. */
  priceNanos: bigint;
}

/**
 * T(u): the cost in nano-dollars of the first `units` units of a billing month under graduated tiers,
 * exactly. Each unit is priced by the tier it falls in, so T is continuous and piecewise linear, and the
 * cost of usage between two positions is T(end) − T(start).
 * @example
 * // first GiB free, then $0.09: T(3) = 1 × 0 + 2 × 0.09 = $0.18
 * tierCost([{ upTo: 1n, priceNanos: 0n }, { upTo: null, priceNanos: 90_000_000n }], ratio(3n)) // { n: 180000000n, d: 1n }
 */
export function tierCost(tiers: readonly CompiledTier[], units: Rational): Rational {
  return ratio(tierNanosOver(tiers, units.n, units.d), units.d);
}

/**
 * T(n / d) × d: the tier function's numerator over the denominator d, in exact integers. Callers that
 * subtract two positions with the same d (a piece of a month: T(U(b)) − T(U(a))) reduce once, at the end,
 * instead of once per tier: the greatest common divisors of BigInt fractions were most of a cost report's time.
 */
export function tierNanosOver(tiers: readonly CompiledTier[], n: bigint, d: bigint): bigint {
  let sum = 0n;
  let lower = 0n;
  for (const tier of tiers) {
    // Units inside this tier, in d-ths: min(n, upTo × d) − lower × d, when positive.
    const upper = tier.upTo;
    const top = upper !== null && n >= upper * d ? upper * d : n;
    const inTier = top - lower * d;
    if (inTier <= 0n) break;
    sum += inTier * tier.priceNanos;
    if (upper === null) break;
    lower = upper;
  }
  return sum;
}
