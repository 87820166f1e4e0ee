// Exact non-floating arithmetic for prices and usage: a GiB-month is bytes × ms / 2^30 / (a month's ms), so
// units are fractions whose denominators no binary float holds. Every cost is one of these until it is
// rounded, once, to the micro.

/** An exact fraction n / d with d > 0, kept in lowest terms. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

/**
 * The fraction n / d in lowest terms.
 * @example ratio(6n, 4n) // { n: 3n, d: 2n }
 */
export function ratio(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError('A fraction cannot have a zero denominator.');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function add(a: Rational, b: Rational): Rational {
  return a.d === b.d ? ratio(a.n + b.n, a.d) : ratio(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return add(a, { n: -b.n, d: b.d });
}

export function mul(a: Rational, b: Rational): Rational {
  return ratio(a.n * b.n, a.d * b.d);
}

/**
 * -1, 0 or 1 as a is below, equal to or above b.
 * @example compare(ratio(1n, 3n), ratio(2n, 6n)) // 0
 */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const x = a.n * b.d;
  const y = b.n * a.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The nearest integer, halves away from zero (2.5 → 3, −2.5 → −3): how each cost line becomes micros.
 * @example roundHalfAwayFromZero(ratio(5n, 2n)) // 3n
 */
export function roundHalfAwayFromZero(r: Rational): bigint {
  const negative = r.n < 0n;
  const n = negative ? -r.n : r.n;
  // floor((2n + d) / 2d) is n/d rounded with halves up, for n ≥ 0.
  const rounded = (2n * n + r.d) / (2n * r.d);
  return negative ? -rounded : rounded;
}

/**
 * The closest double, for display only (GraphQL `units: Float`); never feed it back into a cost.
 * @example toNumber(ratio(1n, 3n)) // 0.3333333333333333
 */
export function toNumber(r: Rational): number {
  // Scale so the integer quotient keeps ~20 significant digits, then divide once as a float.
  const whole = r.n / r.d;
  const rest = r.n - whole * r.d;
  const SCALE = 10n ** 20n;
  return Number(whole) + Number((rest * SCALE) / r.d) / 1e20;
}
