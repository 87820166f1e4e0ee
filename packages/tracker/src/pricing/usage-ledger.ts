// What the pricing engine asks of one backend's usage, answered from rollups. The engine calls a
// synchronous UsageSource(resource, from, to) for ranges it decides itself, and a plan may only yield
// queries; so the cost is computed twice: a first pass records the ranges asked (they depend on the plans
// and instants, never on the answers), one read then sums the rollups between every pair of consecutive
// edges, and the second pass answers each range from those sums exactly.
//
// Storage byte-time over [a, b) is core's storageByteMs: the level at a (the sum of every change dated
// before it), then each bucket's Σ delta and Σ delta × (t − start) (pricing/delta-time.ts). Buckets are the
// rollups of the coarsest grain that fits, as for every read, and raw events for sub-minute edges, so no
// raw event is scanned but at a range's ragged ends.

import { type MeteredResource, type StorageBucket, storageByteMs, type UsageSource } from '@bytemeter/core/pricing';
import { type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { aggregateRanges, cellResource } from '../query/aggregate.js';
import { cover, grainSize, MINUTE_GRAIN, RAW_GRAIN, type Resolution, snapEdge } from '../rollup/grains.js';
import { CLASS_ROLLUP_CODE, RESOURCE_CODE } from '../types.js';
import { fromLimbs } from './delta-time.js';

const STORAGE = RESOURCE_CODE.storage_used;
/** Rollup codes summed per edge interval: transfer, all calls, the class rows, reported cost. */
const FLOW_CODES = [
  RESOURCE_CODE.bandwidth_upload,
  RESOURCE_CODE.bandwidth_download,
  RESOURCE_CODE.api_calls,
  RESOURCE_CODE.operation_cost,
  CLASS_ROLLUP_CODE.a,
  CLASS_ROLLUP_CODE.b,
  CLASS_ROLLUP_CODE.free,
] as const;
const FLOW_OF: Record<Exclude<MeteredResource, 'storage' | 'api_calls_unclassified'>, number> = {
  upload: RESOURCE_CODE.bandwidth_upload,
  download: RESOURCE_CODE.bandwidth_download,
  api_calls_class_a: CLASS_ROLLUP_CODE.a,
  api_calls_class_b: CLASS_ROLLUP_CODE.b,
};

/** A range the engine asked for. */
export interface UsageRequest {
  resource: MeteredResource;
  from: number;
  to: number;
}

/** A UsageSource that answers 0 and writes down what it was asked (the first pass). */
export function recordingSource(requests: UsageRequest[]): UsageSource {
  return (resource, from, to) => {
    requests.push({ resource, from, to });
    return 0n;
  };
}

/** One backend's usage between consecutive edges, and the answers built from it. */
export class UsageLedger {
  constructor(
    private readonly edges: readonly number[],
    private readonly res: Resolution,
    /** prefix[code][i]: Σ totals of that rollup code from edges[0] to edges[i]. */
    private readonly prefix: ReadonlyMap<number, readonly number[]>,
    /** Level at each edge (bytes). */
    private readonly levels: readonly bigint[],
    /** Storage buckets of each edge interval. */
    private readonly buckets: readonly StorageBucket[][],
  ) {}

  private index(t: number): number {
    const snapped = snapEdge(t, this.res);
    let lo = 0;
    let hi = this.edges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const edge = this.edges[mid]!;
      if (edge === snapped) return mid;
      if (edge < snapped) lo = mid + 1;
      else hi = mid - 1;
    }
    // Every instant asked was recorded in the first pass: a miss is a bug, not bad input.
    throw new Error(`usage ledger: ${t} is not an edge of the ranges read`);
  }

  /** Σ totals of a rollup code over [from, to). */
  total(code: number, from: number, to: number): number {
    const sums = this.prefix.get(code)!;
    return sums[this.index(to)]! - sums[this.index(from)]!;
  }

  /** The storage level at an instant (bytes). */
  levelAt(t: number): bigint {
    return this.levels[this.index(t)]!;
  }

  /** The engine's UsageSource for the second pass. */
  readonly source: UsageSource = (resource, from, to) => {
    if (resource === 'storage') {
      const i = this.index(from);
      const j = this.index(to);
      return storageByteMs(this.levels[i]!, this.edges[i]!, this.edges[j]!, this.buckets.slice(i, j).flat()).byteMs;
    }
    if (resource === 'api_calls_unclassified') {
      const classed =
        this.total(CLASS_ROLLUP_CODE.a, from, to) +
        this.total(CLASS_ROLLUP_CODE.b, from, to) +
        this.total(CLASS_ROLLUP_CODE.free, from, to);
      return this.total(RESOURCE_CODE.api_calls, from, to) - classed;
    }
    return this.total(FLOW_OF[resource], from, to);
  };
}

/**
 * Reads one backend's usage between every pair of consecutive edges among `instants` (snapped to the
 * resolution still kept): transfer, calls by class and reported cost from aggregateRanges, storage as
 * buckets for storageByteMs and the level at the first edge.
 */
export function* readUsageLedger(
  db: Kysely<Database>,
  backendId: number,
  instants: readonly number[],
  res: Resolution,
): Plan<UsageLedger> {
  const edges = [...new Set(instants.map((t) => snapEdge(t, res)))].sort((a, b) => a - b);
  const intervals = edges.slice(1).map((to, i) => ({ from: edges[i]!, to }));

  const prefix = new Map<number, number[]>(FLOW_CODES.map((code) => [code, [0]]));
  const { cells } = intervals.length
    ? yield* aggregateRanges(db, intervals, { backendIds: [backendId], resources: [...FLOW_CODES] }, res)
    : { cells: [] };
  for (const code of FLOW_CODES) {
    const sums = prefix.get(code)!;
    for (const [i, interval] of cells.entries()) {
      let total = 0;
      for (const [key, cell] of interval) if (cellResource(key) === code) total += cell.total;
      sums.push(sums[i]! + total);
    }
  }

  // Level at the first edge: every storage change dated before it (day rollups reach back to the start).
  let level = 0n;
  if (edges.length > 0 && edges[0]! > 0) {
    const before = yield* aggregateRanges(
      db,
      [{ from: 0, to: edges[0]! }],
      { backendIds: [backendId], resources: [STORAGE] },
      res,
    );
    for (const cell of before.cells[0]!.values()) level += BigInt(cell.total);
  }
  const buckets = yield* storageBuckets(db, backendId, intervals, res);
  const levels = [level];
  for (const list of buckets) {
    for (const b of list) level += BigInt(b.sumDelta);
    levels.push(level);
  }
  return new UsageLedger(edges, res, prefix, levels, buckets);
}

/**
 * The storage buckets of each interval: rollups of the coarsest grain that fits, raw events for sub-minute
 * ends (and minute ends older than the minute rollups, where raw events are what is kept).
 */
function* storageBuckets(
  db: Kysely<Database>,
  backendId: number,
  intervals: readonly { from: number; to: number }[],
  res: Resolution,
): Plan<StorageBucket[][]> {
  const out: StorageBucket[][] = intervals.map(() => []);
  const parts = new Map<number, { from: number; to: number; interval: number }[]>();
  intervals.forEach((interval, i) => {
    for (const cut of cover(interval.from, interval.to)) {
      let grain = cut.grain;
      if (grain === MINUTE_GRAIN && cut.from < res.minuteFrom) grain = RAW_GRAIN;
      const list = parts.get(grain) ?? [];
      list.push({ from: cut.from, to: cut.to, interval: i });
      parts.set(grain, list);
    }
  });
  for (const [grain, list] of parts) {
    for (let k = 0; k < list.length; k += 100) {
      const chunk = list.slice(k, k + 100);
      const within = (t: number) => chunk.find((p) => p.from <= t && t < p.to)?.interval ?? -1;
      if (grain === RAW_GRAIN) {
        const rows = yield* exec(
          db
            .selectFrom('events')
            .select(['ts', 'amount'])
            .where('backend_id', '=', backendId)
            .where('resource', '=', STORAGE)
            .where((eb) => eb.or(chunk.map((p) => eb.and([eb('ts', '>=', p.from), eb('ts', '<', p.to)])))),
        );
        for (const row of rows) {
          const ts = Number(row.ts);
          const i = within(ts);
          if (i >= 0) out[i]!.push({ start: ts, end: ts + 1, sumDelta: Number(row.amount), sumDeltaTime: 0 });
        }
      } else {
        const size = grainSize(grain);
        const rows = yield* exec(
          db
            .selectFrom('rollups')
            .select([
              'bucket',
              'total',
              sql<string>`cast(delta_time_hi as text)`.as('hi'),
              sql<string>`cast(delta_time_lo as text)`.as('lo'),
            ])
            .where('level', '=', grain)
            .where('backend_id', '=', backendId)
            .where('resource', '=', STORAGE)
            .where((eb) => eb.or(chunk.map((p) => eb.and([eb('bucket', '>=', p.from), eb('bucket', '<', p.to)])))),
        );
        for (const row of rows) {
          const start = Number(row.bucket);
          const i = within(start);
          if (i >= 0) {
            out[i]!.push({
              start,
              end: start + size,
              sumDelta: Number(row.total),
              sumDeltaTime: fromLimbs(row.hi, row.lo),
            });
          }
        }
      }
    }
  }
  return out;
}
