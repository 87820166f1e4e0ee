import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../src/byte-size.js';

// parseByteSize against exact arithmetic: whatever digits and unit are typed, the answer is the whole
// number of bytes they name, or null when they name a fraction of a byte or more than 2^53 − 1.

const UNITS: [string, bigint][] = [
  ['', 1n],
  ['B', 1n],
  ['KB', 10n ** 3n],
  ['MB', 10n ** 6n],
  ['GB', 10n ** 9n],
  ['TB', 10n ** 12n],
  ['PB', 10n ** 15n],
  ['KiB', 1n << 10n],
  ['MiB', 1n << 20n],
  ['GiB', 1n << 30n],
  ['TiB', 1n << 40n],
  ['PiB', 1n << 50n],
];
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** The reference: bytes as an exact fraction num/den, reduced by gcd, whole only when den divides out. */
function reference(negative: boolean, integer: string, fraction: string, unit: bigint): number | null {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  let num = BigInt(`${integer}${fraction}`) * unit;
  let den = 10n ** BigInt(fraction.length);
  const g = gcd(num, den);
  if (g > 1n) {
    num /= g;
    den /= g;
  }
  if (den !== 1n || num > MAX) return null;
  return negative && num !== 0n ? -Number(num) : Number(num);
}

const typed = fc.record({
  negative: fc.boolean(),
  integer: fc.oneof(fc.stringMatching(/^[0-9]{1,4}$/), fc.stringMatching(/^[0-9]{1,17}$/)),
  fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,3}$/), fc.stringMatching(/^[0-9]{1,20}$/)),
  unit: fc.constantFrom(...UNITS),
  space: fc.constantFrom('', ' '),
  lower: fc.boolean(),
});

describe('parseByteSize against exact arithmetic', () => {
  it('answers what a BigInt reference answers, for any digits and unit', () => {
    fc.assert(
      fc.property(typed, ({ negative, integer, fraction, unit: [name, factor], space, lower }) => {
        const text = `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}${space}${lower ? name.toLowerCase() : name}`;
        expect(parseByteSize(text)).toBe(reference(negative, integer, fraction, factor));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every safe byte count written exactly in any unit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), fc.constantFrom(...UNITS), (bytes, [name, factor]) => {
        // bytes / factor in decimal: factor divides 10^k for k = 50 (it is 2^a·5^b with a, b ≤ 50).
        const k = 50n;
        const scaled = (bytes * 10n ** k) / factor;
        const digits = scaled.toString().padStart(Number(k) + 1, '0');
        const text = `${digits.slice(0, -Number(k))}.${digits.slice(-Number(k))}${name}`;
        expect(parseByteSize(text)).toBe(Number(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a byte count one past 2^53 − 1 and any leftover fraction of a byte', () => {
    expect(parseByteSize(`${MAX + 1n}`)).toBeNull();
    expect(parseByteSize('8PiB')).toBeNull(); // 2^53
    expect(parseByteSize('7.99999999999999999999PiB')).toBeNull(); // not whole
    expect(parseByteSize('0.5B')).toBeNull();
    expect(parseByteSize('-0')).toBe(0);
  });
});
