import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BackendCostBreakdown,
  computeBackendCost,
  PRICED_RESOURCES,
  type PricePlan,
  type PricePlanInput,
  parsePricePlan,
  type Rational,
  ratio,
  type StorageDelta,
} from '../../src/pricing/index.js';
import { add } from '../../src/pricing/rational.js';
import { DAY, type FlowEvent, GIB, instant, price, scanUsage, tiers, zone } from './support.js';

const plan = (input: Omit<PricePlanInput, 'backend'>): PricePlan => parsePricePlan({ backend: 's3', ...input });
const line = (cost: BackendCostBreakdown, resource: string) => cost.resources.find((r) => r.resource === resource);
const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);

describe('computed cost: worked examples', () => {
  it('3 GiB downloaded, first GiB free and $0.09 after: $0.18', () => {
    const plans = [
      plan({ prices: [{ resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] }] }),
    ];
    const usage = scanUsage([{ t: NOV + DAY, resource: 'download', amount: 3 * GIB }]);
    const cost = computeBackendCost({ plans, from: NOV, to: DEC, usage });
    // 1 GiB × $0 + 2 GiB × $0.09 = $0.18 = 180,000 micros.
    expect(line(cost, 'download')).toMatchObject({ units: ratio(3n), costMicros: 180_000 });
    expect(cost).toMatchObject({ computedCostMicros: 180_000, hasPlan: true });
    // The same 3 GiB as three 1 GiB downloads across the month: the tier position counts from the 1st.
    const spread = scanUsage(
      [1, 10, 20].map((d): FlowEvent => ({ t: NOV + d * DAY, resource: 'download', amount: GIB })),
    );
    expect(computeBackendCost({ plans, from: NOV, to: DEC, usage: spread }).computedCostMicros).toBe(180_000);
    // From the 15th on only the third GiB is in range, and it is past the free one: $0.09.
    expect(computeBackendCost({ plans, from: NOV + 15 * DAY, to: DEC, usage: spread }).computedCostMicros).toBe(90_000);
  });

  it('1 GiB stored for the first 15 days of a 30-day month at $0.023: 0.5 GiB-month, $0.0115', () => {
    const plans = [plan({ prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] }] })];
    const storage: StorageDelta[] = [
      { t: NOV, delta: GIB },
      { t: NOV + 15 * DAY, delta: -GIB },
    ];
    const cost = computeBackendCost({ plans, from: NOV, to: DEC, usage: scanUsage([], storage) });
    expect(line(cost, 'storage')).toMatchObject({ units: ratio(1n, 2n), costMicros: 11_500 });
  });

  it('storage over a DST month: 1 GiB held all of March in New York is exactly 1 GiB-month', () => {
    const plans = [
      plan({ timezone: 'America/New_York', prices: [{ resource: 'storage', tiers: [{ pricePerUnit: '0.023' }] }] }),
    ];
    const start = Date.UTC(2026, 2, 1, 5);
    const end = Date.UTC(2026, 3, 1, 4); // 743 hours later
    const usage = scanUsage([], [{ t: start, delta: GIB }]);
    expect(line(computeBackendCost({ plans, from: start, to: end, usage }), 'storage')).toMatchObject({
      units: ratio(1n),
      costMicros: 23_000,
    });
    // Half of its 743 hours is half a GiB-month, though it is not 15.5 days.
    const half = computeBackendCost({ plans, from: start, to: start + (743 * 3_600_000) / 2, usage });
    expect(line(half, 'storage')).toMatchObject({ units: ratio(1n, 2n), costMicros: 11_500 });
  });

  it('rounds each line once, to the nearest micro, halves away from zero', () => {
    // Half a micro per call.
    const plans = [plan({ prices: [{ resource: 'api_calls_class_a', tiers: [{ pricePerUnit: '0.0000005' }] }] })];
    const calls = (n: number, t = NOV): FlowEvent[] =>
      Array.from({ length: n }, () => ({ t, resource: 'api_calls_class_a', amount: 1 }));
    const cost = (events: FlowEvent[]) =>
      computeBackendCost({ plans, from: NOV, to: DEC + 31 * DAY, usage: scanUsage(events) });
    expect(cost(calls(1)).computedCostMicros).toBe(1); // 0.5 → 1
    expect(cost(calls(3)).computedCostMicros).toBe(2); // 1.5 → 2
    expect(line(cost(calls(3)), 'api_calls_class_a')?.exactMicros).toEqual(ratio(3n, 2n));
    // One call in November and one in December: one line of exactly 1 micro, not 1 + 1 rounded apart.
    expect(cost([...calls(1, NOV), ...calls(1, DEC)]).computedCostMicros).toBe(1);
  });

  it('spreads the monthly fee over the month’s milliseconds', () => {
    const plans = [plan({ prices: [{ resource: 'monthly_fee', tiers: [{ pricePerUnit: '5' }] }] })];
    const usage = scanUsage([]);
    expect(computeBackendCost({ plans, from: NOV, to: DEC, usage }).computedCostMicros).toBe(5_000_000);
    expect(line(computeBackendCost({ plans, from: NOV, to: NOV + 15 * DAY, usage }), 'monthly_fee')).toMatchObject({
      units: ratio(1n, 2n),
      costMicros: 2_500_000,
    });
    // Two whole months are two fees whatever their lengths.
    expect(
      computeBackendCost({ plans, from: Date.UTC(2026, 1, 1), to: Date.UTC(2026, 3, 1), usage }).computedCostMicros,
    ).toBe(10_000_000);
  });

  it('a later plan prices usage from its instant, while the tier position counts the whole month', () => {
    const old = plan({
      prices: [{ resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] }],
    });
    const later = plan({
      effectiveFrom: NOV + 15 * DAY,
      prices: [{ resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.05' }] }],
    });
    const usage = scanUsage([
      { t: NOV + 4 * DAY, resource: 'download', amount: GIB },
      { t: NOV + 20 * DAY, resource: 'download', amount: 2 * GIB },
    ]);
    const cost = computeBackendCost({ plans: [later, old], from: NOV, to: DEC, usage });
    // The first GiB (old plan) is free; the later plan's 2 GiB start past the month's free GiB: 2 × $0.05.
    expect(cost.computedCostMicros).toBe(100_000);
    // Before the first plan's effectiveFrom nothing is priced.
    const onlyLater = computeBackendCost({ plans: [later], from: NOV, to: NOV + 10 * DAY, usage });
    expect(onlyLater).toEqual({ resources: [], computedCostMicros: 0, hasPlan: false });
    expect(computeBackendCost({ plans: [], from: NOV, to: DEC, usage })).toEqual({
      resources: [],
      computedCostMicros: 0,
      hasPlan: false,
    });
  });

  it('refuses a bad range, two plans at one instant, and usage that is not a whole count', () => {
    const p = plan({ prices: [{ resource: 'upload', tiers: [{ pricePerUnit: '0.01' }] }] });
    expect(() => computeBackendCost({ plans: [p], from: DEC, to: NOV, usage: scanUsage([]) })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => computeBackendCost({ plans: [p, p], from: NOV, to: DEC, usage: scanUsage([]) })).toThrow(
      expect.objectContaining({ code: 'INVALID_PRICE_PLAN' }),
    );
    expect(() => computeBackendCost({ plans: [p], from: NOV, to: DEC, usage: () => 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_AMOUNT' }),
    );
  });
});

describe('computed cost: properties', () => {
  const resource = fc.constantFrom(
    'upload',
    'download',
    'api_calls_class_a',
    'api_calls_class_b',
    'api_calls_unclassified',
  ) as fc.Arbitrary<FlowEvent['resource']>;
  const planInput = fc.record({
    timezone: zone(),
    fee: price(),
    tiers: fc.array(tiers(), { minLength: 6, maxLength: 6 }),
  });
  type PlanDraft = { timezone: string; fee: string; tiers: { upTo?: number; pricePerUnit: string }[][] };
  const toPlan = (p: PlanDraft, effectiveFrom: number | null) =>
    parsePricePlan({
      backend: 's3',
      timezone: p.timezone,
      effectiveFrom,
      prices: [
        ...(
          ['upload', 'download', 'storage', 'api_calls_class_a', 'api_calls_class_b', 'api_calls_unclassified'] as const
        ).map((r, i) => ({
          resource: r,
          tiers: p.tiers[i]!,
        })),
        { resource: 'monthly_fee' as const, tiers: [{ pricePerUnit: p.fee }] },
      ],
    });

  it('cost of [a, c) = cost of [a, b) + cost of [b, c): exactly, and within one micro per line once rounded', () => {
    fc.assert(
      fc.property(
        instant(),
        planInput,
        fc.option(planInput, { nil: undefined }),
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 120 * DAY }),
            resource,
            amount: fc.integer({ min: 0, max: 4 * GIB }),
          }),
          { maxLength: 40 },
        ),
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 120 * DAY }),
            size: fc.integer({ min: 0, max: 8 * GIB }),
            kept: fc.integer({ min: 0, max: 120 * DAY }),
          }),
          { maxLength: 15 },
        ),
        fc.array(fc.integer({ min: 0, max: 120 * DAY }), { minLength: 4, maxLength: 4 }),
        (t0, first, second, flows, objects, points) => {
          const [a, b, c, switchAt] = points.map((p) => t0 + p) as [number, number, number, number];
          const [x, y, z] = [a, b, c].sort((m, n) => m - n) as [number, number, number];
          const plans = [toPlan(first, null), ...(second ? [toPlan(second, switchAt)] : [])];
          const storage = objects.flatMap((o): StorageDelta[] => [
            { t: t0 + o.dt, delta: o.size },
            { t: t0 + o.dt + o.kept, delta: -o.size },
          ]);
          const usage = scanUsage(
            flows.map((f) => ({ t: t0 + f.dt, resource: f.resource, amount: f.amount })),
            storage,
          );
          const whole = computeBackendCost({ plans, from: x, to: z, usage });
          const left = computeBackendCost({ plans, from: x, to: y, usage });
          const right = computeBackendCost({ plans, from: y, to: z, usage });
          const exact = (cost: BackendCostBreakdown, r: string): Rational => line(cost, r)?.exactMicros ?? ratio(0n);
          const rounded = (cost: BackendCostBreakdown, r: string): number => line(cost, r)?.costMicros ?? 0;
          for (const r of PRICED_RESOURCES) {
            expect(add(exact(left, r), exact(right, r))).toEqual(exact(whole, r));
            expect(Math.abs(rounded(whole, r) - rounded(left, r) - rounded(right, r))).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
