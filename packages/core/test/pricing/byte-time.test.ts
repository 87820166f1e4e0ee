import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  integrateStorageEvents,
  type StorageBucket,
  type StorageDelta,
  storageByteMs,
} from '../../src/pricing/index.js';
import { DAY, GIB } from './support.js';

/** Rolls events in [from, to) into buckets cut at `cuts`, the way the tracker's rollups would hold them. */
function bucketize(
  events: readonly StorageDelta[],
  from: number,
  to: number,
  cuts: readonly number[],
): StorageBucket[] {
  const edges = [from, ...cuts.filter((c) => c > from && c < to).sort((a, b) => a - b), to];
  const buckets: StorageBucket[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i]!;
    const end = edges[i + 1]!;
    if (start === end) continue;
    let sumDelta = 0n;
    let sumDeltaTime = 0n;
    for (const e of events) {
      if (e.t >= start && e.t < end) {
        sumDelta += BigInt(e.delta);
        sumDeltaTime += BigInt(e.delta) * BigInt(e.t - start);
      }
    }
    buckets.push({ start, end, sumDelta, sumDeltaTime });
  }
  return buckets;
}

describe('storage byte-time', () => {
  it('1 GiB held for the first 15 days of a 30-day month is exactly half a GiB-month', () => {
    const november = Date.UTC(2026, 10, 1);
    const events = [
      { t: november, delta: GIB },
      { t: november + 15 * DAY, delta: -GIB },
    ];
    const { byteMs, levelAtTo } = storageByteMs(
      0,
      november,
      november + 30 * DAY,
      bucketize(events, november, november + 30 * DAY, []),
    );
    expect(byteMs).toBe(BigInt(GIB) * BigInt(15 * DAY));
    expect(levelAtTo).toBe(0n);
    // GiB-months = byte-ms / 2^30 / (30 days in ms) = 15/30 = 1/2.
    expect(byteMs * 2n).toBe(BigInt(GIB) * BigInt(30 * DAY));
    expect(integrateStorageEvents(events, november, november + 30 * DAY)).toBe(byteMs);
  });

  it('counts a delta from its instant on, and the level at the start for the whole range', () => {
    // Level 10 from the start, +5 at t=40 held to 100: 10 × 100 + 5 × 60 = 1,300 byte-ms.
    expect(storageByteMs(10, 0, 100, [{ start: 40, end: 41, sumDelta: 5, sumDeltaTime: 0 }])).toEqual({
      byteMs: 1300n,
      levelAtTo: 15n,
    });
    // The same event inside a bucket [0, 50): Σδ(t − start) = 5 × 40.
    expect(storageByteMs(10, 0, 100, [{ start: 0, end: 50, sumDelta: 5, sumDeltaTime: 200 }]).byteMs).toBe(1300n);
    expect(storageByteMs(7, 5, 5, []).byteMs).toBe(0n);
  });

  it('refuses buckets outside the range and malformed ranges', () => {
    expect(() => storageByteMs(0, 10, 20, [{ start: 5, end: 15, sumDelta: 1, sumDeltaTime: 0 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => storageByteMs(0, 10, 20, [{ start: 15, end: 21, sumDelta: 1, sumDeltaTime: 0 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => storageByteMs(0, 20, 10, [])).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => storageByteMs(0.5, 0, 10, [])).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }));
  });

  it('from bucket sums equals the independent integral over the raw events, with any bucketing', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const event = fc.record({
      t: fc.integer({ min: t0, max: t0 + 90 * DAY }),
      delta: fc.integer({ min: -(2 ** 40), max: 2 ** 45 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.integer({ min: t0 - DAY, max: t0 + 90 * DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.array(fc.integer({ min: t0, max: t0 + 150 * DAY }), { maxLength: 12 }),
        (events, from, length, cuts) => {
          const to = from + length;
          const levelAtFrom = events.filter((e) => e.t < from).reduce((sum, e) => sum + BigInt(e.delta), 0n);
          const { byteMs, levelAtTo } = storageByteMs(levelAtFrom, from, to, bucketize(events, from, to, cuts));
          expect(byteMs).toBe(integrateStorageEvents(events, from, to));
          expect(levelAtTo).toBe(events.filter((e) => e.t < to).reduce((sum, e) => sum + BigInt(e.delta), 0n));
          // Splitting the range at a bucket edge adds up.
          const mid = from + Math.floor(length / 2);
          const left = storageByteMs(levelAtFrom, from, mid, bucketize(events, from, mid, cuts));
          const right = storageByteMs(left.levelAtTo, mid, to, bucketize(events, mid, to, cuts));
          expect(left.byteMs + right.byteMs).toBe(byteMs);
        },
      ),
    );
  });
});
