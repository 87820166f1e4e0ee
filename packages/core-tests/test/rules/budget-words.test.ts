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

  it('with one threshold has no warning band; a threshold past 100 moves "over" with it', () => {
    expect([79, 80].map((p) => budgetLevel(p, [80]))).toEqual(['ok', 'over']);
    expect([100, 150].map((p) => budgetLevel(p, [100, 150]))).toEqual(['warning', 'over']);
    expect(budgetLevel(100, [])).toBe('over');
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
  });

  it.each(['1.5', '0.3B', 'lots', '5 XB', '10EB', '9PiB', ''])('answers null for "%s"', (text) => {
    expect(parseByteSize(text)).toBeNull();
  });

  it('is what budget limits read bytes with (PB included)', () => {
    expect(parseBudgetLimit('storage_level', '1PB')).toBe(parseByteSize('1PB'));
    expect(() => parseBudgetLimit('bandwidth_upload', '-1GB')).toThrow(ValidationError);
  });
});
