import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { formatPrice, parsePrice } from '../../src/pricing/index.js';

describe('decimal prices', () => {
  it('parses dollars into exact nano-dollars', () => {
    expect(parsePrice('0.023')).toBe(23_000_000n);
    expect(parsePrice('0.09')).toBe(90_000_000n);
    expect(parsePrice('0.0000004')).toBe(400n);
    expect(parsePrice('0.000000001')).toBe(1n);
    expect(parsePrice('4.5')).toBe(4_500_000_000n);
    expect(parsePrice('0')).toBe(0n);
    expect(parsePrice('12')).toBe(12_000_000_000n);
    // 0.1 + 0.2 is not 0.3 in binary floats; here it is.
    expect(parsePrice('0.1') + parsePrice('0.2')).toBe(parsePrice('0.3'));
  });

  it.each([
    ['-0.01', /negative/],
    ['-0', /negative/],
    ['0.0000000001', /at most 9 digits/],
    ['0.1234567890', /at most 9 digits/],
    ['1e-3', /plain decimal/],
    ['.5', /plain decimal/],
    ['5.', /plain decimal/],
    [' 1', /plain decimal/],
    ['1,000', /plain decimal/],
    ['+1', /plain decimal/],
    ['', /plain decimal/],
    ['NaN', /plain decimal/],
    ['1234567890123', /plain decimal/],
  ])('refuses %j with a typed error', (text, message) => {
    const attempt = () => parsePrice(text, 'prices[0].tiers[0].pricePerUnit');
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_PRICE', field: 'prices[0].tiers[0].pricePerUnit' });
    }
  });

  it('refuses numbers: a float is never a price', () => {
    expect(() => parsePrice(0.023)).toThrow(expect.objectContaining({ code: 'INVALID_PRICE' }));
  });

  it('formats the shortest decimal and round-trips every nano-dollar amount', () => {
    expect(formatPrice(23_000_000n)).toBe('0.023');
    expect(formatPrice(4_500_000_000n)).toBe('4.5');
    expect(formatPrice(0n)).toBe('0');
    expect(formatPrice(1n)).toBe('0.000000001');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 21n - 1n }), (nanos) => {
        expect(parsePrice(formatPrice(nanos))).toBe(nanos);
      }),
    );
  });
});
