// Test helpers for the pricing engine: a usage source over plain event lists (a scan, the obviously
// right way the tracker's rollups must agree with) and fast-check arbitraries.
import fc from 'fast-check';
import {
  integrateStorageEvents,
  type MeteredResource,
  type StorageDelta,
  type UsageSource,
} from '../../src/pricing/index.js';
import { GIB_BYTES } from '../../src/vocabulary.js';

export const GIB = GIB_BYTES;
export const DAY = 86_400_000;

export interface FlowEvent {
  t: number;
  resource: Exclude<MeteredResource, 'storage'>;
  amount: number;
}

/** Usage by scanning raw events; storage integrated event by event. */
export function scanUsage(flows: readonly FlowEvent[], storage: readonly StorageDelta[] = []): UsageSource {
  return (resource, from, to) => {
    if (resource === 'storage') return integrateStorageEvents(storage, from, to);
    let sum = 0n;
    for (const e of flows) if (e.resource === resource && e.t >= from && e.t < to) sum += BigInt(e.amount);
    return sum;
  };
}

/** Every IANA zone this runtime knows, plus UTC. */
export const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];
export const zone = () => fc.constantFrom(...ZONES);

/** Instants between 2020 and 2030. */
export const instant = () => fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

/** A decimal price string with up to 9 fraction digits. */
export const price = () =>
  fc.bigInt({ min: 0n, max: 200_000_000n }).map((nanos) => {
    const s = nanos.toString().padStart(10, '0');
    return `${s.slice(0, -9)}.${s.slice(-9)}`;
  });

/** 1–4 graduated tiers, ascending, last unbounded; edges low enough that test usage crosses them. */
export const tiers = (): fc.Arbitrary<{ upTo?: number; pricePerUnit: string }[]> =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { maxLength: 3 }),
      fc.array(price(), { minLength: 4, maxLength: 4 }),
    )
    .map(([bounds, prices]) => {
      const ups = [...bounds].sort((a, b) => a - b);
      return [...ups.map((upTo, i) => ({ upTo, pricePerUnit: prices[i]! })), { pricePerUnit: prices[3]! }];
    });
