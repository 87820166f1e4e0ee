import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount, formatBytes, formatCount, formatDollars } from '../src/index.js';

// Bytes in binary units up to PiB, calls as counts, money as dollars and cents.

const KiB = 1024;
const MiB = KiB * 1024;
const GiB = MiB * 1024;
const TiB = GiB * 1024;
const PiB = TiB * 1024;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [MiB - 1, '1024.00 KiB'],
    [MiB, '1.00 MiB'],
    [5 * MiB + 512 * KiB, '5.50 MiB'],
    [GiB, '1.00 GiB'],
    [3.25 * TiB, '3.25 TiB'],
    [PiB, '1.00 PiB'],
    [1024 * PiB, '1024.00 PiB'], // PiB is the largest unit
    [Number.MAX_SAFE_INTEGER, '8.00 PiB'], // 2^53 - 1 bytes
    [-2048, '-2.00 KiB'],
    [-1, '-1 B'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('always picks the largest unit that keeps the number at 1 or more (below PiB)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        const [number, unit] = formatBytes(bytes).split(' ');
        const size = { KiB, MiB, GiB, TiB, PiB }[unit as 'KiB'];
        expect(size).toBeDefined();
        expect(Number(number)).toBeCloseTo(bytes / size, 2);
        expect(bytes / size).toBeGreaterThanOrEqual(1);
        if (unit !== 'PiB') expect(bytes / size).toBeLessThan(1024);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [1_234_567, '1,234,567'],
    [Number.MAX_SAFE_INTEGER, '9,007,199,254,740,991'],
  ])('%d → %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it('writes the same text as Intl.NumberFormat (en-US, no fractions) for any number', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const edges = [-0, -1, -999, -1000, 999_999, 1_000_000, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, 0.5, -1.5];
    for (const n of edges) expect(formatCount(n)).toBe(intl.format(n));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: -100_000, max: 100_000 }),
          fc.double({ noNaN: true }),
        ),
        (n) => {
          expect(formatCount(n)).toBe(intl.format(n));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formatDollars (from micro-dollars)', () => {
  it.each([
    [0, '$0.00'],
    [10_000, '$0.01'],
    [1_000_000, '$1.00'],
    [1_234_560_000, '$1,234.56'],
    [1_005_000, '$1.01'], // half a cent rounds up, in integers
    [1_004_999, '$1.00'],
    [2_500, '$0.0025'], // under a cent keeps its precision, never $0.00
    [1, '$0.000001'],
    [9_999, '$0.009999'],
    [-1_500_000, '-$1.50'],
    [123_456_789_000_000, '$123,456,789.00'],
  ])('%d → %s', (micros, text) => {
    expect(formatDollars(micros)).toBe(text);
  });

  it('shows whole cents exactly for any amount of at least a cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (cents) => {
        const text = formatDollars(cents * 10_000);
        expect(text).toBe(`$${formatCount(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatAmount', () => {
  it('uses the unit of each resource', () => {
    expect(formatAmount('bandwidth_upload', 1536)).toBe('1.50 KiB');
    expect(formatAmount('bandwidth_download', 0)).toBe('0 B');
    expect(formatAmount('storage_used', -MiB)).toBe('-1.00 MiB');
    expect(formatAmount('api_calls', 1)).toBe('1 call');
    expect(formatAmount('api_calls', 12_345)).toBe('12,345 calls');
    expect(formatAmount('operation_cost', 50_000)).toBe('$0.05');
  });
});
