import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, compare, ratio, roundHalfAwayFromZero, sub, toNumber } from '../../src/pricing/rational.js';

describe('exact fractions', () => {
  it('rounds halves away from zero and everything else to the nearest integer', () => {
    expect(roundHalfAwayFromZero(ratio(5n, 2n))).toBe(3n);
    expect(roundHalfAwayFromZero(ratio(-5n, 2n))).toBe(-3n);
    expect(roundHalfAwayFromZero(ratio(1n, 2n))).toBe(1n);
    expect(roundHalfAwayFromZero(ratio(-1n, 2n))).toBe(-1n);
    expect(roundHalfAwayFromZero(ratio(11_499_999n, 1_000_000n))).toBe(11n);
    expect(roundHalfAwayFromZero(ratio(23n, 2n))).toBe(12n); // 11.5 → 12 (banker's rounding would say 12 too)
    expect(roundHalfAwayFromZero(ratio(25n, 2n))).toBe(13n); // 12.5 → 13 (banker's rounding would say 12)
    expect(roundHalfAwayFromZero(ratio(0n))).toBe(0n);
  });

  it('rounding lands within half of the value, and ties go away from zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (n, d) => {
          const x = ratio(n, d);
          const r = roundHalfAwayFromZero(x);
          const distance = sub(ratio(r), x);
          const half = ratio(1n, 2n);
          const abs = distance.n < 0n ? ratio(-distance.n, distance.d) : distance;
          expect(compare(abs, half)).toBeLessThanOrEqual(0);
          if (compare(abs, half) === 0) expect(r < 0n ? -r : r).toBeGreaterThan(n < 0n ? -n / d : n / d);
        },
      ),
    );
  });

  it('adds and compares exactly, and converts to the closest double for display', () => {
    expect(add(ratio(1n, 3n), ratio(1n, 6n))).toEqual(ratio(1n, 2n));
    expect(ratio(6n, -4n)).toEqual({ n: -3n, d: 2n });
    expect(toNumber(ratio(1n, 3n))).toBeCloseTo(1 / 3, 15);
    expect(toNumber(ratio(-7n, 2n))).toBe(-3.5);
    expect(() => ratio(1n, 0n)).toThrow(RangeError);
  });
});
