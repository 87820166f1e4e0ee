// Storage is billed as byte-time: ∫ level(t) dt over the range. The level is a step function of the
// storage deltas, so the integral is exact integer arithmetic on two sums per rollup bucket, with no
// raw events scanned.
//
// With level L at `from` (every delta before `from` applied) and deltas δᵢ at instants tᵢ in [from, to),
// each δᵢ holds from tᵢ to `to`:
//
//   ∫[from,to) level dt = L·(to − from) + Σᵢ δᵢ·(to − tᵢ)
//
// For a bucket b starting at s_b whose events all lie in [from, to), with Sδ = Σ δᵢ and Sτ = Σ δᵢ·(tᵢ − s_b):
//
//   Σ_{i∈b} δᵢ·(to − tᵢ) = (to − s_b)·Sδ − Sτ
//
// Sτ is kept relative to the bucket's start, not as Σ δ·t: epoch ms × bytes passes 2^63 (a 64-bit SQLite
// integer) after ~5 MB of deltas, while (t − s_b) stays below the bucket's length. A column holding the
// absolute Σ δ·t converts as Sτ = Σ δ·t − s_b·Sδ. Raw events at a range's ragged edges are buckets of one
// event (start t, end t + 1, Sδ = δ, Sτ = 0).

import { ValidationError } from '../errors.js';
import { describe } from '../event-rules.js';

/** One rollup bucket of storage deltas: every event it sums lies in [start, end). */
export interface StorageBucket {
  start: number;
  end: number;
  /** Σ delta (bytes). */
  sumDelta: bigint | number;
  /** Σ delta × (t − start) (byte-ms). */
  sumDeltaTime: bigint | number;
}

/** A storage event: `delta` bytes (signed) at instant `t`. */
export interface StorageDelta {
  t: number;
  delta: bigint | number;
}

function int(value: bigint | number, field: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) {
    throw new ValidationError('INVALID_AMOUNT', `${field} must be a whole number; got ${describe(value)}.`, field);
  }
  return BigInt(value);
}

/**
 * ∫ level(t) dt over [from, to) in byte-ms, exactly, from the level at `from` and the rollup buckets that
 * cover the deltas in [from, to) (each at most once, none outside it); also the level at `to`.
 * Divide byteMs by 2^30 and by a month's length in ms for GiB-months.
 * @example
 * // 1 GiB held from the start of a 30-day month, none added: half the month is 0.5 GiB-month
 * storageByteMs(2n ** 30n, 0, 15 * 86_400_000, []).byteMs // 2^30 × 1_296_000_000
 */
export function storageByteMs(
  levelAtFrom: bigint | number,
  from: number,
  to: number,
  buckets: Iterable<StorageBucket>,
): { byteMs: bigint; levelAtTo: bigint } {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
    throw new ValidationError('INVALID_RANGE', `Range must be whole ms with from ≤ to; got [${from}, ${to}).`, 'range');
  }
  const end = BigInt(to);
  let level = int(levelAtFrom, 'levelAtFrom');
  let byteMs = level * (end - BigInt(from));
  for (const b of buckets) {
    if (
      !(
        Number.isSafeInteger(b.start) &&
        Number.isSafeInteger(b.end) &&
        from <= b.start &&
        b.start < b.end &&
        b.end <= to
      )
    ) {
      throw new ValidationError(
        'INVALID_RANGE',
        `A storage bucket [${b.start}, ${b.end}) must lie inside the range [${from}, ${to}).`,
        'buckets',
      );
    }
    const sumDelta = int(b.sumDelta, 'sumDelta');
    byteMs += (end - BigInt(b.start)) * sumDelta - int(b.sumDeltaTime, 'sumDeltaTime');
    level += sumDelta;
  }
  return { byteMs, levelAtTo: level };
}

/**
 * The same integral by walking raw events one by one (level 0 before the first event; events at or after
 * `to` ignored): an independent check of storageByteMs, and a fallback where no rollups exist.
 * @example integrateStorageEvents([{ t: 0, delta: 10 }, { t: 5, delta: -10 }], 0, 100) // 50n
 */
export function integrateStorageEvents(events: readonly StorageDelta[], from: number, to: number): bigint {
  const sorted = [...events].sort((x, y) => x.t - y.t);
  let level = 0n;
  let at = from;
  let area = 0n;
  for (const e of sorted) {
    if (e.t >= to) break;
    if (e.t > at) {
      area += level * BigInt(e.t - at);
      at = e.t;
    }
    level += int(e.delta, 'delta');
  }
  return area + level * BigInt(Math.max(0, to - at));
}
