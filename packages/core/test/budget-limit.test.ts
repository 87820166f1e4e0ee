import { describe, expect, it } from 'vitest';
import { formatBudgetAmount, parseBudgetLimit } from '../src/budget-limit.js';
import { ValidationError } from '../src/errors.js';

describe('budget limits as typed and shown', () => {
  it('reads dollars exactly to the micro, bytes with units, whole calls', () => {
    expect(parseBudgetLimit('cost', '200')).toBe(200_000_000);
    expect(parseBudgetLimit('COST', '$0.000001')).toBe(1);
    expect(parseBudgetLimit('cost', '$1,234.56')).toBe(1_234_560_000);
    // 0.29 * 1e6 is 289999.99999999994 in floats; the digits are added as integers instead.
    expect(parseBudgetLimit('cost', '0.29')).toBe(290_000);
    expect(parseBudgetLimit('storage_level', '500GiB')).toBe(500 * 2 ** 30);
    expect(parseBudgetLimit('BANDWIDTH_DOWNLOAD', '1.5 TB')).toBe(1.5e12);
    expect(parseBudgetLimit('bandwidth_upload', '4096')).toBe(4096);
    expect(parseBudgetLimit('api_calls', '1_000_000')).toBe(1_000_000);
  });

  it('refuses what is not a positive amount of the unit with INVALID_BUDGET on the limit field', () => {
    for (const [metric, text] of [
      ['cost', '0'],
      ['cost', '-5'],
      ['cost', '1.0000001'],
      ['cost', '5GiB'],
      ['api_calls', '1.5'],
      ['api_calls', '0'],
      ['storage_level', '1.5B'],
      ['storage_level', '10 parsecs'],
      ['bandwidth_upload', ''],
      ['storage_level', `${2 ** 53}`],
    ] as const) {
      const error = (() => {
        try {
          parseBudgetLimit(metric, text);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, `${metric} ${text}`).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'INVALID_BUDGET', field: 'limit' });
    }
  });

  it('shows each metric in its unit', () => {
    expect(formatBudgetAmount('cost', 200_000_000)).toBe('$200.00');
    expect(formatBudgetAmount('STORAGE_LEVEL', 2 ** 30)).toBe(formatBudgetAmount('bandwidth_upload', 2 ** 30));
    expect(formatBudgetAmount('storage_level', 2 ** 30)).toMatch(/GiB/);
    expect(formatBudgetAmount('api_calls', 1)).toBe('1 call');
  });
});
