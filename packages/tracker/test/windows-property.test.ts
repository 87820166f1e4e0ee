import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BackendType,
  type Granularity,
  openResourceTracker,
  type Period,
  type ResourceSummary,
  type ResourceType,
  type SeriesPoint,
} from '../src/index.js';
import { recordRef } from './support/record-ref.js';
import {
  comparableSummary,
  expectedSeries,
  expectedSummary,
  expectedTotals,
  type RefEvent,
  type RefFilter,
  snappedEdge,
} from './support/reference-model.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { isoInZone, periodBounds } from './support/zone-reference.js';

// Every summary and series point must equal what the generated events add up to, computed here with
// independent (Intl-based) zone math, for random events, ranges and zones.

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 15, 12, 0, 0); // the injected clock: 2026-12-15T12:00Z
const SPAN_START = Date.UTC(2025, 11, 20); // a span of ~12 months: both DST changes and a year end

const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'America/Santiago',
  'America/Sao_Paulo',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Pacific/Auckland',
];

const BACKENDS: { name: string; type: BackendType }[] = [
  { name: 'alpha', type: 's3' },
  { name: 'beta', type: 'ipfs' },
  { name: 'gamma', type: 's3' },
  { name: 'delta', type: 'huggingface' },
];

// Instants where calendar edges crowd: DST changes, local midnights in odd offsets, a year end.
const HOTSPOTS = [
  Date.UTC(2026, 2, 8, 7), // New York spring forward
  Date.UTC(2026, 10, 1, 6), // New York fall back
  Date.UTC(2026, 2, 29, 1), // Europe spring forward
  Date.UTC(2026, 9, 25, 1), // Europe fall back
  Date.UTC(2025, 11, 31, 18, 15), // Kathmandu midnight into 2026
  Date.UTC(2026, 0, 31, 18, 30), // Kolkata midnight into February
  Date.UTC(2026, 3, 5, 3), // Santiago fall back (24:00)
  Date.UTC(2026, 8, 6, 4), // Santiago spring forward (midnight skipped)
  Date.UTC(2026, 3, 4, 16, 30), // Adelaide fall back
  Date.UTC(2026, 5, 30, 23, 59), // a month end in UTC
];

const instant = fc.oneof(
  fc.integer({ min: SPAN_START, max: NOW }),
  fc
    .tuple(fc.constantFrom(...HOTSPOTS), fc.integer({ min: -30 * HOUR, max: 30 * HOUR }))
    .map(([h, d]) => Math.min(NOW, h + d)),
  // Exactly on quarter-hour marks too, where rollup buckets and calendar edges coincide.
  fc.integer({ min: SPAN_START / 900_000, max: NOW / 900_000 }).map((q) => q * 900_000),
);

const RESOURCES: ResourceType[] = [
  'bandwidth_upload',
  'bandwidth_download',
  'storage_used',
  'api_calls',
  'operation_cost',
];

const rawEvent = fc.record({
  ts: instant,
  backend: fc.constantFrom(...BACKENDS),
  resourceType: fc.constantFrom(...RESOURCES),
  amount: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2 ** 40 })),
  negative: fc.boolean(),
  success: fc.boolean(),
  generic: fc.boolean(),
});

type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never;

/** Turns generated rows into events the tracker accepts: API calls are 1, storage never dips below 0. */
function toEvents(rows: RawEvent[]): (RefEvent & { generic: boolean })[] {
  const level = new Map<string, number>();
  return rows.map((r) => {
    let amount = r.amount;
    if (r.resourceType === 'api_calls') amount = 1;
    if (r.resourceType === 'storage_used') {
      const now = level.get(r.backend.name) ?? 0;
      // A delete only of what is there (recording order is what the below-zero check sees).
      if (r.negative) amount = 0 - Math.min(amount, now); // 0 - x, never -0
      level.set(r.backend.name, now + amount);
    }
    return {
      ts: r.ts,
      backend: r.backend.name,
      backendType: r.backend.type,
      resourceType: r.resourceType,
      amount,
      success: r.success,
      generic: r.generic,
    };
  });
}

const filterArb: fc.Arbitrary<RefFilter> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...BACKENDS).map((b) => ({ backend: b.name })),
  fc.constantFrom<BackendType>('s3', 'ipfs', 'huggingface', 'lassie').map((t) => ({ backendType: t })),
);

const rangeArb = fc.tuple(instant, instant).filter(([a, b]) => a !== b);

/** Retention settings: raw kept forever with long or default minute rollups, or both pruned. */
const RETENTIONS: { rawRetentionMs: number | null; minuteRetentionMs: number }[] = [
  { rawRetentionMs: null, minuteRetentionMs: 10 * 366 * DAY },
  { rawRetentionMs: null, minuteRetentionMs: 30 * DAY },
  { rawRetentionMs: 30 * DAY, minuteRetentionMs: 2 * DAY },
  { rawRetentionMs: 3 * HOUR, minuteRetentionMs: 45 * DAY },
];

function expectSummaryMatches(
  actual: ResourceSummary,
  events: readonly RefEvent[],
  from: number,
  to: number,
  zone: string,
  filter: RefFilter,
) {
  const expected = expectedSummary(events, from, to, filter);
  expect(actual.timezone).toBe(zone);
  expect(actual.periodStart).toBe(isoInZone(from, zone));
  expect(actual.periodEnd).toBe(isoInZone(to, zone));
  expect(comparableSummary(actual.backends)).toEqual(expected);
  expect(actual.totals).toEqual(expectedTotals(expected));
  for (const b of Object.values(actual.backends)) {
    for (const s of Object.values(b.resources)) expect(s.avgAmount).toBe(s.totalAmount / s.operationCount);
  }
}

function comparablePoints(points: SeriesPoint[], zone: string) {
  return points.map((p) => {
    const start = Date.parse(p.bucketStart);
    // The bucket start is written in the query's zone, with the offset in force at that instant.
    expect(p.bucketStart).toBe(isoInZone(start, zone));
    return { bucketStart: start, backend: p.backend, totalAmount: p.totalAmount, operationCount: p.operationCount };
  });
}

async function seriesMatches(
  tracker: ReturnType<typeof openResourceTracker>,
  events: readonly RefEvent[],
  q: {
    resourceType: ResourceType;
    granularity: Granularity;
    from: number;
    to: number;
    zone: string;
    filter: RefFilter;
  },
  /** The range asked for, when it differs from the (snapped) range the expectation covers. */
  asked: { from: number; to: number } = q,
) {
  if (!(asked.from < asked.to) || !(q.from < q.to)) return;
  const points = await tracker.getTimeSeries({
    resourceType: q.resourceType,
    granularity: q.granularity,
    from: new Date(asked.from),
    to: new Date(asked.to),
    timezone: q.zone,
    ...q.filter,
  });
  for (const p of points) expect(p.resourceType).toBe(q.resourceType);
  const expected = expectedSeries(events, q.resourceType, q.granularity, q.from, q.to, q.zone, q.filter);
  expect(comparablePoints(points, q.zone)).toEqual(expected);

  // Summed across backends: one point per bucket, backend null.
  const summed = await tracker.getTimeSeries({
    resourceType: q.resourceType,
    granularity: q.granularity,
    from: new Date(asked.from),
    to: new Date(asked.to),
    timezone: q.zone,
    perBackend: false,
    ...q.filter,
  });
  const byBucket = new Map<
    number,
    { bucketStart: number; backend: null; totalAmount: number; operationCount: number }
  >();
  for (const p of expected) {
    const b = byBucket.get(p.bucketStart) ?? {
      bucketStart: p.bucketStart,
      backend: null,
      totalAmount: 0,
      operationCount: 0,
    };
    b.totalAmount += p.totalAmount;
    b.operationCount += p.operationCount;
    byBucket.set(p.bucketStart, b);
  }
  expect(comparablePoints(summed, q.zone)).toEqual([...byBucket.values()]);
}

describeEachDialect('windows-property', () => {
  describe('summaries and series equal the sum of the events they cover', () => {
    it('holds for random events, ranges, zones, periods and granularities', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(rawEvent, { minLength: 0, maxLength: 120 }),
          fc.constantFrom(...ZONES),
          rangeArb,
          filterArb,
          instant,
          fc.constantFrom<Period>('hour', 'day', 'week', 'month'),
          fc.constantFrom(...RESOURCES),
          fc.constantFrom<Granularity>('hour', 'day', 'week', 'month'),
          fc.integer({ min: 1, max: 6 * 60 }),
          fc.constantFrom(...RETENTIONS),
          // Flush every k events (0: once, at the first read), so rollup rows are also merged across batches.
          fc.constantFrom(0, 0, 5, 30),
          async (
            rows,
            zone,
            [a, b],
            filter,
            at,
            period,
            resourceType,
            granularity,
            minuteSpan,
            retention,
            flushEvery,
          ) => {
            const events = toEvents(rows);
            const tracker = openResourceTracker({
              ...(await newStore()),
              clock: () => NOW,
              ...retention,
              flushOnExit: false,
            });
            const rawFrom =
              retention.rawRetentionMs === null ? Number.NEGATIVE_INFINITY : NOW - retention.rawRetentionMs;
            const minuteFrom = NOW - retention.minuteRetentionMs;
            try {
              for (const [i, e] of events.entries()) {
                recordRef(tracker, e, e.generic ? 'generic' : 'method');
                if (flushEvery > 0 && i % flushEvery === flushEvery - 1)
                  expect((await tracker.flush()).error).toBeUndefined();
              }
              // Edges inside pruned data come back snapped (and say so); the sums are over the snapped range.
              const from = snappedEdge(Math.min(a, b), rawFrom, minuteFrom);
              const to = snappedEdge(Math.max(a, b), rawFrom, minuteFrom);

              const explicit = await tracker.getResourceSummary({
                from: new Date(Math.min(a, b)),
                to: new Date(Math.max(a, b)),
                timezone: zone,
                ...filter,
              });
              expect(explicit.period).toBeNull();
              expectSummaryMatches(explicit, events, from, to, zone, filter);

              // Drill-down counts the raw events of the range, where they are all still kept.
              if (Math.min(a, b) >= rawFrom) {
                const page = await tracker.getResourceUsage({
                  from: new Date(Math.min(a, b)),
                  to: new Date(Math.max(a, b)),
                  limit: 1,
                  ...filter,
                });
                const inRange = events.filter(
                  (e) =>
                    e.ts >= Math.min(a, b) &&
                    e.ts < Math.max(a, b) &&
                    (filter.backend === undefined || e.backend === filter.backend) &&
                    (filter.backendType === undefined || e.backendType === filter.backendType),
                );
                expect(page.totalCount).toBe(inRange.length);
              }

              const bounds = periodBounds(at, period, zone);
              const calendar = await tracker.getResourceSummary({
                period,
                at: new Date(at),
                timezone: zone,
                ...filter,
              });
              expect(calendar.period).toBe(period);
              expectSummaryMatches(calendar, events, bounds.start, bounds.end, zone, filter);

              await seriesMatches(
                tracker,
                events,
                { resourceType, granularity, from, to, zone, filter },
                { from: Math.min(a, b), to: Math.max(a, b) },
              );
              // Minute series over a few hours (a long range would pass the bucket limit) where minutes are still
              // known (older data is kept only by the quarter hour, which a minute series cannot split).
              const minuteStart = Math.min(a, b);
              if (Math.floor(minuteStart / 900_000) * 900_000 >= Math.min(minuteFrom, rawFrom)) {
                const minuteEnd = Math.min(NOW, minuteStart + minuteSpan * 60_000 + (Math.max(a, b) % 60_000));
                await seriesMatches(
                  tracker,
                  events,
                  {
                    resourceType,
                    granularity: 'minute',
                    from: snappedEdge(minuteStart, rawFrom, minuteFrom),
                    to: snappedEdge(minuteEnd, rawFrom, minuteFrom),
                    zone,
                    filter,
                  },
                  { from: minuteStart, to: minuteEnd },
                );
              }
            } finally {
              await tracker.close();
            }
          },
        ),
        { numRuns: 50 },
      );
    }, 60_000);

    it('the default period is the day holding the injected clock, in UTC', async () => {
      const events = toEvents(
        fc.sample(rawEvent, { numRuns: 200, seed: 7 }).map((r) => ({ ...r, ts: NOW - DAY + (r.ts % (2 * DAY)) })),
      );
      const tracker = openResourceTracker({ ...(await newStore()), clock: () => NOW, flushOnExit: false });
      try {
        for (const e of events) recordRef(tracker, e);
        const summary = await tracker.getResourceSummary();
        const bounds = periodBounds(NOW, 'day', 'UTC');
        expect(summary.period).toBe('day');
        expectSummaryMatches(summary, events, bounds.start, bounds.end, 'UTC', {});
        expect(Object.keys(summary.backends).length).toBeGreaterThan(0);
      } finally {
        await tracker.close();
      }
    });
  });
});
