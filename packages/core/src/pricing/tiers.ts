import { add, mul, type Rational, ratio, ZERO } from './rational.js';

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
  let cost = ZERO;
  let lower = 0n;
  for (const tier of tiers) {
    // Units inside this tier: min(u, upTo) − lower, when positive.
    const upper = tier.upTo;
    const top = upper !== null && units.n >= upper * units.d ? ratio(upper) : units;
    const inTier = ratio(top.n - lower * top.d, top.d);
    if (inTier.n <= 0n) break;
    cost = add(cost, mul(inTier, ratio(tier.priceNanos)));
    if (upper === null) break;
    lower = upper;
  }
  return cost;
}
