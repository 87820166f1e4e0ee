import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledTier, compilePlan, parsePricePlan, ratio, tierCost } from '../../src/pricing/index.js';
import { add, compare, sub } from '../../src/pricing/rational.js';
import { tiers as tierInputs } from './support.js';

const FIRST_GIB_FREE: CompiledTier[] = [
  { upTo: 1n, priceNanos: 0n },
  { upTo: null, priceNanos: 90_000_000n },
];

describe('the graduated tier function T(u)', () => {
  it('prices 3 GiB with the first GiB free and $0.09 after at $0.18', () => {
    // T(3) = 1 GiB × $0 + 2 GiB × $0.09 = $0.18 = 180,000,000 nano-dollars.
    expect(tierCost(FIRST_GIB_FREE, ratio(3n))).toEqual(ratio(180_000_000n));
  });

  it('is exact at and around tier edges', () => {
    const s3Storage: CompiledTier[] = [
      { upTo: 51_200n, priceNanos: 23_000_000n },
      { upTo: 512_000n, priceNanos: 22_000_000n },
      { upTo: null, priceNanos: 21_000_000n },
    ];
    expect(tierCost(s3Storage, ratio(0n))).toEqual(ratio(0n));
    // Exactly the first edge: 51,200 × $0.023 = $1,177.60.
    expect(tierCost(s3Storage, ratio(51_200n))).toEqual(ratio(1_177_600_000_000n));
    // Half a GiB-month past it is priced at the second tier: + 0.5 × $0.022.
    expect(tierCost(s3Storage, ratio(102_401n, 2n))).toEqual(ratio(1_177_600_000_000n + 11_000_000n));
    // A GiB-month just under it is priced at the first.
    expect(tierCost(s3Storage, ratio(102_399n, 2n))).toEqual(ratio(1_177_600_000_000n - 11_500_000n));
    // Past the last edge: 51,200 × 0.023 + 460,800 × 0.022 + 1 × 0.021.
    expect(tierCost(s3Storage, ratio(512_001n))).toEqual(ratio(1_177_600_000_000n + 10_137_600_000_000n + 21_000_000n));
    // Two thirds of a GiB past the free one: 2/3 × $0.09 = $0.06, a fraction no float holds exactly.
    expect(tierCost(FIRST_GIB_FREE, ratio(5n, 3n))).toEqual(ratio(60_000_000n));
  });

  it('is the sum over units of each unit’s tier price: T(b) − T(a) splits at any c', () => {
    fc.assert(
      fc.property(
        tierInputs(),
        fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 7n }), fc.bigInt({ min: 1n, max: 1000n })), {
          minLength: 3,
          maxLength: 3,
        }),
        (input, points) => {
          const plan = compilePlan(parsePricePlan({ backend: 'b', prices: [{ resource: 'download', tiers: input }] }));
          const tiers = plan.tiers.get('download')!;
          const [a, b, c] = points.map(([n, d]) => ratio(n, d)).sort(compare) as [
            ReturnType<typeof ratio>,
            ReturnType<typeof ratio>,
            ReturnType<typeof ratio>,
          ];
          const whole = sub(tierCost(tiers, c), tierCost(tiers, a));
          const parts = add(sub(tierCost(tiers, b), tierCost(tiers, a)), sub(tierCost(tiers, c), tierCost(tiers, b)));
          expect(parts).toEqual(whole);
          // Non-decreasing: prices are never negative.
          expect(compare(whole, ratio(0n))).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
