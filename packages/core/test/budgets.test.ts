import { describe, expect, it } from 'vitest';
import { checkBudgetInput, projectFullAt, projectMonthEnd, reachedThresholds, rearms } from '../src/budgets/index.js';

const DAY = 86_400_000;

describe('budget rules', () => {
  it('a threshold is reached at exactly its share of the limit, also near 2^53', () => {
    expect(reachedThresholds(49, 100, [50, 80, 100])).toEqual([]);
    expect(reachedThresholds(50, 100, [50, 80, 100])).toEqual([50]);
    expect(reachedThresholds(100, 100, [50, 80, 100])).toEqual([50, 80, 100]);
    // 80% of an odd limit: 0.8 × 3 = 2.4, so 2 is below and 3 reaches it.
    expect(reachedThresholds(2, 3, [80])).toEqual([]);
    const big = Number.MAX_SAFE_INTEGER;
    // big × 50 / 100 is not an integer: floor(big / 2) is just below half, +1 reaches it (floats would say both).
    expect(reachedThresholds(Math.floor(big / 2), big, [50])).toEqual([]);
    expect(reachedThresholds(Math.floor(big / 2) + 1, big, [50])).toEqual([50]);
  });

  it('a storage threshold re-arms only 5% of the limit below it', () => {
    expect(rearms(790, 1000, 80)).toBe(false);
    expect(rearms(750, 1000, 80)).toBe(false);
    expect(rearms(749, 1000, 80)).toBe(true);
    expect(rearms(0, 1000, 5)).toBe(false);
  });

  it('month-end projection: month to date plus the 7-day rate for the time left', () => {
    expect(projectMonthEnd({ monthToDate: 100, recent: 70, at: 0, monthEnd: 10 * DAY })).toBe(200);
    expect(projectMonthEnd({ monthToDate: 100, recent: 70, at: 10 * DAY, monthEnd: 10 * DAY })).toBe(100);
  });

  it('projected full date: the 7-day change continued; null when not growing; now when already full', () => {
    expect(projectFullAt({ level: 500, change: 70, windowMs: 7 * DAY, at: 1000, limit: 600 })).toBe(1000 + 10 * DAY);
    expect(projectFullAt({ level: 500, change: 0, windowMs: 7 * DAY, at: 1000, limit: 600 })).toBeNull();
    expect(projectFullAt({ level: 500, change: -5, windowMs: 7 * DAY, at: 1000, limit: 600 })).toBeNull();
    expect(projectFullAt({ level: 600, change: 0, windowMs: 7 * DAY, at: 1000, limit: 600 })).toBe(1000);
    expect(projectFullAt({ level: 0, change: 1, windowMs: 7 * DAY, at: 0, limit: Number.MAX_SAFE_INTEGER })).toBeNull();
  });

  it('input: defaults, GraphQL metric names, thresholds sorted and deduplicated, no forecast for storage', () => {
    expect(
      checkBudgetInput({ name: 'n', metric: 'STORAGE_LEVEL' as never, limit: 10, thresholds: [90, 10, 90] }),
    ).toEqual({
      id: null,
      name: 'n',
      backend: null,
      metric: 'storage_level',
      limit: 10,
      timezone: 'UTC',
      thresholds: [10, 90],
      alertOnForecast: false,
      webhookUrl: null,
    });
    expect(
      checkBudgetInput({ name: 'n', metric: 'cost', limit: 1, webhookUrl: 'HTTPS://Example.com/a' }).webhookUrl,
    ).toBe('https://example.com/a');
    expect(() => checkBudgetInput({ id: 'a b', name: 'n', metric: 'cost', limit: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_BUDGET', field: 'id' }),
    );
  });
});
