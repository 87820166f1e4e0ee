import { describe, expect, it } from 'vitest';
import { type Granularity, openResourceTracker, type Period, type ResourceTracker } from '../src/index.js';
import { recordRef } from './support/record-ref.js';
import { expectedSeries, expectedSummary, type RefEvent } from './support/reference-model.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { isoInZone } from './support/zone-reference.js';

// Calendar facts pinned by hand (DST days, odd offsets, a week across a year end, months), with totals
// checked against events recorded every 10 minutes with distinct amounts.

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 15, 12, 0, 0);

/** Events every 10 minutes (offset by 7 s) across [from, to), amounts 1, 2, 3, … so any slip shows. */
function grid(from: number, to: number): RefEvent[] {
  const events: RefEvent[] = [];
  for (let t = from + 7_000, i = 1; t < to; t += 600_000, i++) {
    events.push({
      ts: t,
      backend: 'disk',
      backendType: 'local',
      resourceType: 'bandwidth_upload',
      amount: i,
      success: true,
    });
    // One exactly on each quarter-hour mark as well, where calendar edges fall.
    const mark = Math.ceil(t / 900_000) * 900_000;
    if (mark < to && mark - t < 600_000) {
      events.push({
        ts: mark,
        backend: 'disk',
        backendType: 'local',
        resourceType: 'bandwidth_upload',
        amount: 1000 + i,
        success: true,
      });
    }
  }
  return events;
}

async function withGrid(from: number, to: number, fn: (t: ResourceTracker, events: RefEvent[]) => Promise<void>) {
  const events = grid(from, to);
  const tracker = openResourceTracker({
    ...(await newStore()),
    clock: () => NOW,
    rawRetentionMs: null,
    flushOnExit: false,
  });
  try {
    for (const e of events) recordRef(tracker, e);
    await fn(tracker, events);
  } finally {
    await tracker.close();
  }
}

async function expectPeriod(
  tracker: ResourceTracker,
  events: RefEvent[],
  q: { period: Period; at: string; timezone: string },
  start: string,
  end: string,
  hours: number,
) {
  const s = await tracker.getResourceSummary({ period: q.period, at: new Date(q.at), timezone: q.timezone });
  expect(s.periodStart).toBe(start);
  expect(s.periodEnd).toBe(end);
  expect((Date.parse(end) - Date.parse(start)) / HOUR).toBe(hours);
  const expected = expectedSummary(events, Date.parse(start), Date.parse(end));
  expect(s.backends.disk?.resources.bandwidth_upload?.totalAmount).toBe(
    expected.disk?.resources.bandwidth_upload?.totalAmount,
  );
  expect(s.backends.disk?.resources.bandwidth_upload?.operationCount).toBe(
    expected.disk?.resources.bandwidth_upload?.operationCount,
  );
  expect(s.totals.bandwidthUpload).toBeGreaterThan(0);
  return s;
}

async function series(tracker: ResourceTracker, granularity: Granularity, from: string, to: string, timezone: string) {
  return tracker.getTimeSeries({
    resourceType: 'bandwidth_upload',
    granularity,
    from: new Date(from),
    to: new Date(to),
    timezone,
  });
}

function expectSeries(
  points: Awaited<ReturnType<typeof series>>,
  events: RefEvent[],
  g: Granularity,
  from: string,
  to: string,
  zone: string,
) {
  const expected = expectedSeries(events, 'bandwidth_upload', g, Date.parse(from), Date.parse(to), zone);
  expect(
    points.map((p) => ({ bucketStart: p.bucketStart, totalAmount: p.totalAmount, operationCount: p.operationCount })),
  ).toEqual(
    expected.map((p) => ({
      bucketStart: isoInZone(p.bucketStart, zone),
      totalAmount: p.totalAmount,
      operationCount: p.operationCount,
    })),
  );
}

describeEachDialect('windows-calendar', () => {
  describe('America/New_York DST days', { timeout: 30_000 }, () => {
    it('2026-03-08 has 23 hours, each its own bucket, and sums exactly', async () => {
      await withGrid(Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 10), async (t, events) => {
        await expectPeriod(
          t,
          events,
          { period: 'day', at: '2026-03-08T12:00:00-04:00', timezone: 'America/New_York' },
          '2026-03-08T00:00:00.000-05:00',
          '2026-03-09T00:00:00.000-04:00',
          23,
        );
        const from = '2026-03-08T00:00:00.000-05:00';
        const to = '2026-03-09T00:00:00.000-04:00';
        const hours = await series(t, 'hour', from, to, 'America/New_York');
        expect(hours).toHaveLength(23);
        expect(hours.map((p) => p.bucketStart.slice(11, 13))).not.toContain('02');
        expectSeries(hours, events, 'hour', from, to, 'America/New_York');
        const days = await series(
          t,
          'day',
          '2026-03-07T00:00:00-05:00',
          '2026-03-10T00:00:00-04:00',
          'America/New_York',
        );
        expect(days.map((p) => p.bucketStart)).toEqual([
          '2026-03-07T00:00:00.000-05:00',
          '2026-03-08T00:00:00.000-05:00',
          '2026-03-09T00:00:00.000-04:00',
        ]);
        expectSeries(days, events, 'day', '2026-03-07T00:00:00-05:00', '2026-03-10T00:00:00-04:00', 'America/New_York');
      });
    });

    it('2026-11-01 has 25 hours, the repeated 01:00 twice, and sums exactly', async () => {
      await withGrid(Date.UTC(2026, 9, 31), Date.UTC(2026, 10, 3), async (t, events) => {
        await expectPeriod(
          t,
          events,
          { period: 'day', at: '2026-11-01T01:30:00-05:00', timezone: 'America/New_York' },
          '2026-11-01T00:00:00.000-04:00',
          '2026-11-02T00:00:00.000-05:00',
          25,
        );
        const from = '2026-11-01T00:00:00.000-04:00';
        const to = '2026-11-02T00:00:00.000-05:00';
        const hours = await series(t, 'hour', from, to, 'America/New_York');
        expect(hours).toHaveLength(25);
        expect(hours.slice(1, 3).map((p) => p.bucketStart)).toEqual([
          '2026-11-01T01:00:00.000-04:00',
          '2026-11-01T01:00:00.000-05:00',
        ]);
        expectSeries(hours, events, 'hour', from, to, 'America/New_York');
        // The two 01:00 hours are separate periods too.
        const first = await t.getResourceSummary({
          period: 'hour',
          at: new Date('2026-11-01T01:30:00-04:00'),
          timezone: 'America/New_York',
        });
        const second = await t.getResourceSummary({
          period: 'hour',
          at: new Date('2026-11-01T01:30:00-05:00'),
          timezone: 'America/New_York',
        });
        expect([first.periodStart, second.periodStart]).toEqual([
          '2026-11-01T01:00:00.000-04:00',
          '2026-11-01T01:00:00.000-05:00',
        ]);
        expect(first.totals.bandwidthUpload).toBe(
          expectedSummary(events, Date.parse(first.periodStart), Date.parse(first.periodEnd)).disk?.resources
            .bandwidth_upload?.totalAmount,
        );
        expect(second.totals.bandwidthUpload).toBe(
          expectedSummary(events, Date.parse(second.periodStart), Date.parse(second.periodEnd)).disk?.resources
            .bandwidth_upload?.totalAmount,
        );
      });
    });
  });

  describe('offsets that are not whole hours', { timeout: 30_000 }, () => {
    it('Asia/Kolkata (+05:30): days start at 18:30Z, hours at half past', async () => {
      await withGrid(Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 4), async (t, events) => {
        await expectPeriod(
          t,
          events,
          { period: 'day', at: '2026-05-02T00:10:00+05:30', timezone: 'Asia/Kolkata' },
          '2026-05-02T00:00:00.000+05:30',
          '2026-05-03T00:00:00.000+05:30',
          24,
        );
        expect(new Date('2026-05-02T00:00:00.000+05:30').toISOString()).toBe('2026-05-01T18:30:00.000Z');
        const from = '2026-05-01T23:00:00+05:30';
        const to = '2026-05-03T02:20:00+05:30';
        const hours = await series(t, 'hour', from, to, 'Asia/Kolkata');
        expect(hours.every((p) => p.bucketStart.slice(13, 19) === ':00:00')).toBe(true);
        expectSeries(hours, events, 'hour', from, to, 'Asia/Kolkata');
        expectSeries(await series(t, 'day', from, to, 'Asia/Kolkata'), events, 'day', from, to, 'Asia/Kolkata');
      });
    });

    it('Asia/Kathmandu (+05:45): days start at 18:15Z, hours at quarter past', async () => {
      await withGrid(Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 4), async (t, events) => {
        await expectPeriod(
          t,
          events,
          { period: 'day', at: '2026-05-02T23:59:59.999+05:45', timezone: 'Asia/Kathmandu' },
          '2026-05-02T00:00:00.000+05:45',
          '2026-05-03T00:00:00.000+05:45',
          24,
        );
        expect(new Date('2026-05-02T00:00:00.000+05:45').toISOString()).toBe('2026-05-01T18:15:00.000Z');
        const hour = await t.getResourceSummary({
          period: 'hour',
          at: new Date('2026-05-02T13:59:00+05:45'),
          timezone: 'Asia/Kathmandu',
        });
        expect(hour.periodStart).toBe('2026-05-02T13:00:00.000+05:45');
        expect(hour.periodEnd).toBe('2026-05-02T14:00:00.000+05:45');
        const from = '2026-05-01T22:05:00+05:45';
        const to = '2026-05-03T01:50:00+05:45';
        expectSeries(await series(t, 'hour', from, to, 'Asia/Kathmandu'), events, 'hour', from, to, 'Asia/Kathmandu');
        expectSeries(await series(t, 'day', from, to, 'Asia/Kathmandu'), events, 'day', from, to, 'Asia/Kathmandu');
      });
    });
  });

  describe('weeks and months', { timeout: 30_000 }, () => {
    it('the ISO week holding 2026-01-01 runs Monday 2025-12-29 to Monday 2026-01-05', async () => {
      await withGrid(Date.UTC(2025, 11, 27), Date.UTC(2026, 0, 7), async (t, events) => {
        // The zone's offset in that week (no DST change in any of them then), written out by hand.
        const offsets: [string, string][] = [
          ['UTC', 'Z'],
          ['Asia/Kathmandu', '+05:45'],
          ['America/New_York', '-05:00'],
        ];
        for (const [zone, offset] of offsets) {
          const s = await expectPeriod(
            t,
            events,
            { period: 'week', at: `2026-01-01T12:00:00${offset}`, timezone: zone },
            isoInZone(Date.parse(`2025-12-29T00:00:00${offset}`), zone),
            isoInZone(Date.parse(`2026-01-05T00:00:00${offset}`), zone),
            7 * 24,
          );
          expect(s.period).toBe('week');
          expect(s.periodStart.startsWith('2025-12-29T00:00:00.000')).toBe(true);
        }
        const from = '2025-12-27T00:00:00Z';
        const to = '2026-01-07T00:00:00Z';
        const weeks = await series(t, 'week', from, to, 'UTC');
        expect(weeks.map((p) => p.bucketStart)).toEqual([
          '2025-12-22T00:00:00.000Z',
          '2025-12-29T00:00:00.000Z',
          '2026-01-05T00:00:00.000Z',
        ]);
        expectSeries(weeks, events, 'week', from, to, 'UTC');
        expectSeries(await series(t, 'week', from, to, 'Asia/Kolkata'), events, 'week', from, to, 'Asia/Kolkata');
      });
    });

    it('calendar months: February 2026 in Kathmandu, and March 2026 (23 h day) in New York', async () => {
      await withGrid(Date.UTC(2026, 0, 30), Date.UTC(2026, 3, 2), async (t, events) => {
        await expectPeriod(
          t,
          events,
          { period: 'month', at: '2026-02-14T09:00:00+05:45', timezone: 'Asia/Kathmandu' },
          '2026-02-01T00:00:00.000+05:45',
          '2026-03-01T00:00:00.000+05:45',
          28 * 24,
        );
        await expectPeriod(
          t,
          events,
          { period: 'month', at: '2026-03-31T23:59:00-04:00', timezone: 'America/New_York' },
          '2026-03-01T00:00:00.000-05:00',
          '2026-04-01T00:00:00.000-04:00',
          31 * 24 - 1,
        );
        const from = '2026-01-30T00:00:00Z';
        const to = '2026-04-02T00:00:00Z';
        for (const zone of ['UTC', 'Asia/Kathmandu', 'America/New_York', 'Asia/Kolkata']) {
          expectSeries(await series(t, 'month', from, to, zone), events, 'month', from, to, zone);
        }
      });
    });
  });
});
