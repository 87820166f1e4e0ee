import { assertTimeZone as coreAssertTimeZone } from '@bytemeter/core';
import { describe, expect, it } from 'vitest';
import { assertTimeZone, openResourceTracker, toIsoInZone } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// One zone check everywhere (core's): a zone a summary takes, a price plan and a cost report take too, with
// the same canonical spelling; one refused is refused by all three with INVALID_TIMEZONE.

const NOW = Date.UTC(2026, 2, 20, 12);

describe('the tracker checks zones with core', () => {
  it('is the same function, and every zone it accepts is one the calendar code (Temporal) can use', () => {
    expect(assertTimeZone).toBe(coreAssertTimeZone);
    for (const zone of [...Intl.supportedValuesOf('timeZone'), '+05:30', '-0800', '+00', 'europe/berlin']) {
      expect(() => toIsoInZone(NOW, assertTimeZone(zone)), zone).not.toThrow();
    }
  });
});

describeEachDialect('time zones', () => {
  it('summaries, plans and costs accept and spell zones alike; offsets are zones', async () => {
    const t = openResourceTracker({ ...(await newStore()), clock: () => NOW, flushOnExit: false });
    try {
      t.trackBandwidthDownload('photos', 's3', 2 ** 30, { timestamp: Date.UTC(2026, 2, 1, 1) });
      for (const [zone, canonical] of [
        ['+0530', '+05:30'],
        ['-08', '-08:00'],
        ['europe/berlin', 'Europe/Berlin'],
        ['Asia/Kolkata', 'Asia/Kolkata'],
      ] as const) {
        const summary = await t.getResourceSummary({ period: 'month', timezone: zone });
        const plan = await t.setPricePlan({
          backend: 'photos',
          timezone: zone,
          prices: [{ resource: 'download', tiers: [{ pricePerUnit: '1' }] }],
        });
        const costs = await t.getCosts({ timezone: zone });
        expect([summary.timezone, plan.timezone, costs.timezone]).toEqual([canonical, canonical, canonical]);
      }
      // The plan's month in -08:00 starts 2026-03-01T08:00Z: the download at 01:00Z belongs to February.
      await t.setPricePlan({
        backend: 'photos',
        timezone: '-08:00',
        prices: [{ resource: 'download', tiers: [{ pricePerUnit: '1' }] }],
      });
      const march = await t.getCosts({ timezone: '-08:00' });
      expect(march.periodStart).toBe('2026-03-01T00:00:00.000-08:00');
      expect(march.computedTotalMicros).toBe(0);
      const utc = await t.getCosts({ timezone: 'UTC' });
      expect(utc.computedTotalMicros).toBe(1_000_000);

      for (const bad of ['+24:00', '+05:30:00', 'Mars/Olympus', '\u221205:00']) {
        const refused = { code: 'INVALID_TIMEZONE' };
        await expect(t.getResourceSummary({ timezone: bad }), bad).rejects.toMatchObject(refused);
        await expect(t.getCosts({ timezone: bad }), bad).rejects.toMatchObject(refused);
        await expect(t.setPricePlan({ backend: 'photos', timezone: bad, prices: [] }), bad).rejects.toMatchObject(
          refused,
        );
      }
      expect((await t.getPricePlans()).map((p) => p.timezone)).toEqual(['-08:00']);
    } finally {
      await t.close();
    }
  });
});
