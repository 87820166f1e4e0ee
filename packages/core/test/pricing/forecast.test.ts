import { describe, expect, it } from 'vitest';
import { forecastMonthEnd, parsePricePlan, ratio } from '../../src/pricing/index.js';
import { DAY, type FlowEvent, GIB, scanUsage } from './support.js';

const NOV = Date.UTC(2026, 10, 1);

describe('month-end forecast', () => {
  const plans = [
    parsePricePlan({
      backend: 's3',
      prices: [
        { resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] },
        { resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] },
        { resource: 'monthly_fee', tiers: [{ pricePerUnit: '3' }] },
      ],
    }),
  ];
  // An eighth of a GiB downloaded at noon every day since 25 October; 2 GiB stored since 1 October.
  const flows: FlowEvent[] = [];
  for (let t = Date.UTC(2026, 9, 25, 12); t < Date.UTC(2026, 11, 1); t += DAY)
    flows.push({ t, resource: 'download', amount: GIB / 8 });
  const usage = scanUsage(flows, [{ t: Date.UTC(2026, 9, 1), delta: 2 * GIB }]);
  const at = NOV + 10 * DAY;

  it('is month to date plus the recent daily rate times the days left, priced through the tiers', () => {
    const forecast = forecastMonthEnd({ plans, at, usage, storageLevel: 2 * GIB });
    // Download: 10 days so far (1.25 GiB) + 1/8 GiB a day × 20 days = 3.75 GiB; the first is free:
    //   2.75 × $0.09 = $0.2475.
    // Storage: 2 GiB held all month = 2 GiB-months × $0.023 = $0.046. Fee: $3.
    expect(forecast.resources).toEqual([
      {
        resource: 'download',
        monthToDateMicros: ratio(22_500n),
        projectedMicros: ratio(225_000n),
        monthEndMicros: 247_500,
      },
      {
        resource: 'storage',
        monthToDateMicros: ratio(46_000n, 3n),
        projectedMicros: ratio(92_000n, 3n),
        monthEndMicros: 46_000,
      },
      {
        resource: 'monthly_fee',
        monthToDateMicros: ratio(1_000_000n),
        projectedMicros: ratio(2_000_000n),
        monthEndMicros: 3_000_000,
      },
    ]);
    expect(forecast.monthEndMicros).toBe(3_293_500);
    expect(forecast).toMatchObject({ monthStart: NOV, monthEnd: Date.UTC(2026, 11, 1), timezone: 'UTC' });
    expect(forecast.method).toContain('Month to date (from 2026-11-01T00:00:00.000Z');
    expect(forecast.method).toContain('20.00 days left');
    expect(forecast.method).toContain('download at their average daily rate over the last 7 days');
    expect(forecast.method).toContain('storage held at its current level (2 GiB)');
  });

  it('projects storage at the level it is given, and uses the rate window it is given', () => {
    const more = forecastMonthEnd({ plans, at, usage, storageLevel: 5 * GIB, rateWindowMs: 2 * DAY });
    // Storage: 2 GiB for 10 days + 5 GiB for 20 days = (20 + 100) / 30 = 4 GiB-months = $0.092.
    expect(more.resources.find((r) => r.resource === 'storage')?.monthEndMicros).toBe(92_000);
    expect(more.method).toContain('over the last 2 days');
  });

  it('at the end of a month projects nothing more; without a plan projects nothing at all', () => {
    const last = forecastMonthEnd({ plans, at: Date.UTC(2026, 11, 1) - 1, usage, storageLevel: 2 * GIB });
    expect(last.monthEndMicros).toBe(
      // 30 days of downloads at 1/8 GiB: 3.75 GiB, as projected above; the projection of one ms adds < 1 micro.
      247_500 + 46_000 + 3_000_000,
    );
    expect(forecastMonthEnd({ plans: [], at, usage, storageLevel: 0 })).toMatchObject({
      monthEndMicros: 0,
      resources: [],
    });
    expect(() => forecastMonthEnd({ plans: [], at: -5, usage, storageLevel: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_TIMESTAMP' }),
    );
    expect(() => forecastMonthEnd({ plans, at, usage, storageLevel: 0, rateWindowMs: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
