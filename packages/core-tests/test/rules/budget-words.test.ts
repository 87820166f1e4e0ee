import { budgetLevel, parseBudgetLimit, parseByteSize, parseThresholds, ValidationError } from '@bytemeter/core';
import { describe, expect, it } from 'vitest';

// The budget words the CLI and the dashboard both read through core: one rule each for thresholds as
// typed, byte sizes, and the level a bar or table cell shows.

describe('parseThresholds', () => {
  it('reads comma-separated whole percentages, spaces around each allowed', () => {
    expect(parseThresholds('50,80,100')).toEqual([50, 80, 100]);
    expect(parseThresholds(' 90 , 10')).toEqual([90, 10]);
    expect(parseThresholds('1000')).toEqual([1000]);
  });

  it.each(['50.0', '5e1', '0x32', '50,,80', '', '0', '1001', '-5', '50%', 'fifty'])(
    'refuses "%s" with INVALID_BUDGET on thresholds',
    (text) => {
      let error: unknown;
      try {
        parseThresholds(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'INVALID_BUDGET', field: 'thresholds' });
      expect((error as Error).message).toContain(`got "${text}"`);
    },
  );
});

describe('budgetLevel', () => {
  it('is ok under the first threshold, warning from it, over from the last', () => {
    const t = [50, 80, 100];
    expect([0, 49.9, 50, 79, 99.99, 100, 250].map((p) => budgetLevel(p, t))).toEqual([
      'ok',
      'ok',
      'warning',
      'warning',
      'warning',
      'over',
      'over',
    ]);
  });

  it('with one threshold has no warning band', () => {
    expect([79, 80].map((p) => budgetLevel(p, [80]))).toEqual(['ok', 'over']);
    expect([99, 100].map((p) => budgetLevel(p, []))).toEqual(['ok', 'over']);
  });

  it('is over at or past the limit whatever the thresholds: one past 100 does not keep a spent budget amber', () => {
    expect([49, 50, 99.99, 100, 120, 150].map((p) => budgetLevel(p, [50, 150]))).toEqual([
      'ok',
      'warning',
      'warning',
      'over',
      'over',
      'over',
    ]);
    // Every threshold past the limit: no warning band below it, and over from 100.
    expect([99, 100, 110, 130].map((p) => budgetLevel(p, [120]))).toEqual(['ok', 'over', 'over', 'over']);
    expect([99, 100, 119].map((p) => budgetLevel(p, [120, 200]))).toEqual(['ok', 'over', 'over']);
    expect([89, 90, 100].map((p) => budgetLevel(p, [90, 100, 150]))).toEqual(['ok', 'warning', 'over']);
  });
});

describe('parseByteSize', () => {
  it('reads decimal and binary units up to peta, any case, a space before the unit, _ separators', () => {
    expect(parseByteSize('1048576')).toBe(1_048_576);
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('5 mib')).toBe(5 * 2 ** 20);
    expect(parseByteSize('2PB')).toBe(2e15);
    expect(parseByteSize('3PiB')).toBe(3 * 2 ** 50);
    expect(parseByteSize('1_000kb')).toBe(1e6);
    expect(parseByteSize('-10MB')).toBe(-1e7);
    // Floats would read 1.001 * 1000 as 1000.9999999999999 and refuse it.
    expect(parseByteSize('1.001KB')).toBe(1001);
    expect(parseByteSize('0.000001PB')).toBe(1e9);
    expect(parseByteSize('1.00000KiB')).toBe(1024);
    expect(parseByteSize(`${Number.MAX_SAFE_INTEGER}`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseByteSize(`-${Number.MAX_SAFE_INTEGER}B`)).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it.each([
    '1.5',
    '0.3B',
    'lots',
    '5 XB',
    '10EB',
    '9PiB',
    '',
    '1.0001KB',
    // A float rounds this to a whole 9007199254740991 (and the fraction with it); it is not whole.
    '9007199254740990.6',
    `${2 ** 53}`,
    '1.',
    '.5KB',
  ])('answers null for "%s"', (text) => {
    expect(parseByteSize(text)).toBeNull();
  });

  it('is what budget limits read bytes with (PB included)', () => {
    expect(parseBudgetLimit('storage_level', '1PB')).toBe(parseByteSize('1PB'));
    expect(() => parseBudgetLimit('bandwidth_upload', '-1GB')).toThrow(ValidationError);
  });
});
