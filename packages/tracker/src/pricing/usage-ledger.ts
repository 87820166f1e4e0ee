// What the pricing engine asks of each backend's usage, answered from rollups. The engine calls a
// synchronous UsageSource(resource, from, to) for ranges it decides itself, and a plan may only yield
// queries; so the cost is computed twice: a first pass over every backend records the ranges asked (they
// depend on the plans and instants, never on the answers), one read for all backends then sums the rollups
// between every pair of consecutive edges, and the second pass answers each range from those sums exactly.
//
// Storage byte-time over [a, b) is core's storageByteMs: the level at a, then each bucket's Σ delta and
// Σ delta × (t − start) (pricing/delta-time.ts). Buckets are the rollups of the coarsest grain that fits,
// as for every read (summed per part by the database), and raw events for sub-minute edges, so no raw
// event is scanned but at a range's ragged ends.
//
// The level at a is read from the present, not summed from the past: the backend's stored level
// (backend_state.storage_level, which every batch moves by exactly the storage changes it adds to the
// rollups) less every change dated at or after a. The changes between the ledger's edges are read anyway;
// those after its last edge (future-dated ones, for a ledger ending now) come from the rollups of
// [last edge, LEVEL_END) at the coarsest grains covering it exactly (levelsFromPresent). So the read is
// bounded by the time since a, not by the history before it. levelsBySum, the sum of every change before
// a, is kept as the reference the property test compares against (test/ledger-levels.test.ts).

import { type MeteredResource, type StorageBucket, storageByteMs, type UsageSource } from '@bytemeter/core/pricing';
import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { aggregateRanges, cellBackend } from '../query/aggregate.js';
import { shapedQuery } from '../query/query-shapes.js';
import { cover, grainSize, MINUTE_GRAIN, RAW_GRAIN, type Resolution, snapEdge } from '../rollup/grains.js';
import { CLASS_ROLLUP_CODE, CLASS_ROW_OF_EVENT, RESOURCE_CODE } from '../types.js';
import { fromLimbs } from './delta-time.js';
import { partsQuery } from './ledger-parts-postgres.js';

const STORAGE = RESOURCE_CODE.storage_used;
/** Rollup codes summed per edge interval: transfer, all calls, the class rows, reported cost, storage Σ delta. */
const FLOW_CODES = [
  RESOURCE_CODE.bandwidth_upload,
  RESOURCE_CODE.bandwidth_download,
  RESOURCE_CODE.api_calls,
  RESOURCE_CODE.operation_cost,
  CLASS_ROLLUP_CODE.a,
  CLASS_ROLLUP_CODE.b,
  CLASS_ROLLUP_CODE.free,
  STORAGE,
] as const;
/** The event resources among FLOW_CODES (the others are class rows, counted from api_calls events). */
const EVENT_FLOW_CODES = [
  RESOURCE_CODE.bandwidth_upload,
  RESOURCE_CODE.bandwidth_download,
  RESOURCE_CODE.api_calls,
  RESOURCE_CODE.operation_cost,
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
    /** Level at each edge (bytes); null when read without storage levels (readUsageLedgers' storageTime). */
    private readonly levels: readonly bigint[] | null,
    /** Storage buckets of each edge interval. */
    private readonly buckets: readonly StorageBucket[][],
  ) {}

  private levelsRead(): readonly bigint[] {
    // A caller that prices storage reads the levels: a miss is a bug, not bad input.
    if (this.levels === null) throw new Error('usage ledger: read without storage levels');
    return this.levels;
  }

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

  /** Σ totals of a rollup code over [from, to) (storage_used: the net change of the level). */
  total(code: number, from: number, to: number): number {
    const sums = this.prefix.get(code)!;
    return sums[this.index(to)]! - sums[this.index(from)]!;
  }

  /** The storage level at an instant (bytes). */
  levelAt(t: number): bigint {
    return this.levelsRead()[this.index(t)]!;
  }

  /** The engine's UsageSource for the second pass. */
  readonly source: UsageSource = (resource, from, to) => {
    if (resource === 'storage') {
      const i = this.index(from);
      const j = this.index(to);
      const levels = this.levelsRead();
      return storageByteMs(levels[i]!, this.edges[i]!, this.edges[j]!, this.buckets.slice(i, j).flat()).byteMs;
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
 * Reads the usage of every backend in `backendIds` between every pair of consecutive edges among `instants`
 * (snapped to the resolution still kept), in one set of queries for all of them (readIntervals): transfer,
 * calls by class, reported cost, storage Σ delta, and (unless `storageTime` is false) storage buckets for
 * storageByteMs and the level at the first edge. A backend's own instants are a subset of the edges, so its
 * ledger answers every range it asked.
 */
export function* readUsageLedgers(
  db: Kysely<Database>,
  backendIds: readonly number[],
  instants: readonly number[],
  res: Resolution,
  options: {
    /** backendIds are every known backend: the rollup reads then need no backend filter. */
    everyBackend?: boolean;
    /** Read storage levels and byte-time (default true); without, only totals (and storage Σ delta) answer. */
    storageTime?: boolean;
    /**
     * The level at the first edge as the sum of every change before it (levelsBySum, the former read that
     * grows with history) instead of from the stored level: the property test's and the bench's reference.
     */
    pastLevels?: boolean;
  } = {},
): Plan<Map<number, UsageLedger>> {
  const everyBackend = options.everyBackend ?? false;
  const pastLevels = options.pastLevels ?? false;
  const storageTime = options.storageTime ?? true;
  const edges = [...new Set(instants.map((t) => snapEdge(t, res)))].sort((a, b) => a - b);
  const intervals = edges.slice(1).map((to, i) => ({ from: edges[i]!, to }));
  const ids = [...backendIds];
  // totals[backend][code][i]: Σ of that rollup code from the first edge to edges[i] (prefix sums).
  const totals = new Map(
    ids.map((id) => [
      id,
      new Map<number, number[]>(FLOW_CODES.map((code) => [code, new Array<number>(Math.max(1, edges.length)).fill(0)])),
    ]),
  );
  // The level at the last edge is the stored level less every storage change dated at or after it (only
  // future-dated ones when the last edge is now); the level at the first edge is that less the changes
  // between the edges, read anyway. PostgreSQL reads the stored levels and the changes after the last edge
  // in the ledger's own statement (ledger-parts-postgres.ts); SQLite, in process, as one aggregate and the
  // backend_state rows beside the ledger's queries (one read snapshot). pastLevels: the level at the first
  // edge as the sum of every change before it.
  const readLevel = storageTime && edges.length > 0 && edges[0]! > 0 && ids.length > 0;
  const levelEdge = pastLevels ? edges[0]! : edges[edges.length - 1]!;
  const postgres = isPostgres(db);
  const read =
    ids.length > 0 && (intervals.length > 0 || (postgres && readLevel))
      ? yield* readIntervals(db, ids, intervals, res, {
          everyBackend,
          storageTime,
          levelBefore: postgres && readLevel ? levelEdge : null,
          pastLevels,
        })
      : { flow: new Map<number, Map<number, number[]>>(), storage: new Map<number, StorageBucket[][]>(), before: null };
  for (const [id, byCode] of read.flow) {
    for (const [code, perInterval] of byCode) {
      const list = totals.get(id)?.get(code);
      if (!list) continue;
      for (let i = 0; i < perInterval.length; i++) list[i + 1] = list[i]! + perInterval[i]!;
    }
  }

  const levelAtEdge =
    read.before ??
    (readLevel
      ? yield* (pastLevels ? levelsBySum : levelsFromPresent)(db, ids, levelEdge, res)
      : new Map<number, bigint>());
  const buckets = read.storage;
  const ledgers = new Map<number, UsageLedger>();
  for (const id of ids) {
    const own = buckets.get(id) ?? intervals.map(() => []);
    let level = levelAtEdge.get(id) ?? 0n;
    // From the last edge back to the first: the intervals' changes (their buckets hold every one).
    // Only when a level was read at the last edge: otherwise (no storage asked, or a first edge at or before
    // 1970, where nothing precedes it) the first level is 0, as before.
    if (!pastLevels && readLevel) for (const list of own) for (const b of list) level -= BigInt(b.sumDelta);
    const levels = [level];
    for (const list of own) {
      for (const b of list) level += BigInt(b.sumDelta);
      levels.push(level);
    }
    ledgers.set(id, new UsageLedger(edges, res, totals.get(id)!, storageTime ? levels : null, own));
  }
  return ledgers;
}

/**
 * Past the newest instant any rollup can hold (the largest Date, a whole number of UTC days): the range
 * [t, LEVEL_END) holds every storage change dated at or after t, future-dated ones included.
 */
export const LEVEL_END = 8_640_000_000_000_000;

/**
 * Each backend's storage level at `to`: its stored level less every storage change dated at or after `to`
 * (rollups of [to, LEVEL_END), whose day part ends at the newest change).
 */
export function* levelsFromPresent(
  db: Kysely<Database>,
  ids: readonly number[],
  to: number,
  res: Resolution,
): Plan<Map<number, bigint>> {
  const levels = yield* storedLevels(db, ids);
  const after = yield* aggregateRanges(
    db,
    [{ from: to, to: LEVEL_END }],
    { backendIds: ids, resources: [STORAGE] },
    res,
  );
  for (const [key, cell] of after.cells[0]!) {
    const id = cellBackend(key);
    levels.set(id, (levels.get(id) ?? 0n) - BigInt(cell.total));
  }
  return levels;
}

/** Each backend's stored storage level (backend_state; a backend without a row has 0). */
function* storedLevels(db: Kysely<Database>, ids: readonly number[]): Plan<Map<number, bigint>> {
  const levels = new Map<number, bigint>(ids.map((id) => [id, 0n]));
  const rows = yield* exec(
    db.selectFrom('backend_state').select(['backend_id', 'storage_level']).where('backend_id', 'in', ids),
  );
  for (const row of rows) levels.set(Number(row.backend_id), BigInt(row.storage_level));
  return levels;
}

/**
 * Each backend's storage level at `to` as the sum of every storage change dated before it (a scan of the
 * day rollups from the first): what levelsFromPresent answers, read from the past. Kept as the property
 * test's reference.
 */
export function* levelsBySum(
  db: Kysely<Database>,
  ids: readonly number[],
  to: number,
  res: Resolution,
): Plan<Map<number, bigint>> {
  const levels = new Map<number, bigint>();
  const before = yield* aggregateRanges(db, [{ from: 0, to }], { backendIds: ids, resources: [STORAGE] }, res);
  for (const [key, cell] of before.cells[0]!) {
    const id = cellBackend(key);
    levels.set(id, (levels.get(id) ?? 0n) + BigInt(cell.total));
  }
  return levels;
}

/** Event resources read at raw edges (class rows are counted from api_calls events' class). */
const RAW_CODES: readonly number[] = [...EVENT_FLOW_CODES, STORAGE];

/** What readIntervals reads besides the intervals. */
interface IntervalOptions {
  /** backendIds are every known backend: the rollup reads need no backend filter. */
  everyBackend: boolean;
  /** Storage buckets for byte-time (else only the storage Σ delta, among the flow codes). */
  storageTime: boolean;
  /** Also each backend's level at this instant (stored level − Σ changes dated at or after it); null: not. */
  levelBefore: number | null;
  /** That level as Σ of every change before it instead (readUsageLedgers' pastLevels). */
  pastLevels: boolean;
}

/** A part of a read: a range of one grain feeding one interval, or the level before the first edge. */
interface ReadPart {
  grain: number;
  from: number;
  to: number;
  /** The interval's index; BEFORE for the level before the first edge. */
  interval: number;
}
const BEFORE = -1;

/**
 * Each interval's usage per backend in one pass over the rows: Σ of every FLOW_CODES code, and the storage
 * buckets for storageByteMs. Rollups of the coarsest grain that fits, raw events for sub-minute ends (and
 * minute ends older than the minute rollups, where raw events are what is kept), as aggregateRanges reads.
 * SQLite reads each grain's parts in a flow and a storage query; PostgreSQL every rollup part in one
 * statement (ledger-parts-postgres.ts), with the level before, when asked, as parts of its own (the
 * changes at or after the first edge) and the stored levels (backend_state) in the same statement.
 */
function* readIntervals(
  db: Kysely<Database>,
  backendIds: readonly number[],
  intervals: readonly { from: number; to: number }[],
  res: Resolution,
  options: IntervalOptions,
): Plan<{
  flow: Map<number, Map<number, number[]>>;
  storage: Map<number, StorageBucket[][]>;
  before: Map<number, bigint> | null;
}> {
  const { storageTime } = options;
  // Rollups of every backend when every backend is asked: a filter listing them all only costs.
  const only = options.everyBackend ? null : backendIds;
  const flow = new Map(
    backendIds.map((id) => [id, new Map(FLOW_CODES.map((code) => [code as number, intervals.map(() => 0)]))]),
  );
  const storage = new Map<number, StorageBucket[][]>(backendIds.map((id) => [id, intervals.map(() => [])]));
  const before = options.levelBefore === null ? null : new Map(backendIds.map((id) => [id, 0n]));
  const addFlow = (backendId: number, code: number, interval: number, amount: number) => {
    if (interval === BEFORE) {
      // A change dated at or after the first edge: the level there is the stored level without it.
      const level = before?.get(backendId);
      if (code === STORAGE && level !== undefined)
        before!.set(backendId, options.pastLevels ? level + BigInt(amount) : level - BigInt(amount));
      return;
    }
    const list = flow.get(backendId)?.get(code);
    if (list && interval >= 0) list[interval]! += amount;
  };
  const addBucket = (backendId: number, interval: number, bucket: StorageBucket) => {
    if (interval >= 0) storage.get(backendId)?.[interval]?.push(bucket);
  };
  const parts = new Map<number, ReadPart[]>();
  const split = (from: number, to: number, interval: number) => {
    for (const cut of cover(from, to)) {
      let grain = cut.grain;
      if (grain === MINUTE_GRAIN && cut.from < res.minuteFrom) grain = RAW_GRAIN;
      const list = parts.get(grain) ?? [];
      list.push({ grain, from: cut.from, to: cut.to, interval });
      parts.set(grain, list);
    }
  };
  for (const [i, interval] of intervals.entries()) split(interval.from, interval.to, i);
  if (options.levelBefore !== null)
    split(options.pastLevels ? 0 : options.levelBefore, options.pastLevels ? options.levelBefore : LEVEL_END, BEFORE);

  const raw = parts.get(RAW_GRAIN) ?? [];
  raw.sort((a, b) => a.from - b.from);
  for (let k = 0; k < raw.length; k += 64) {
    for (const row of yield* rawEventRows(db, backendIds, raw.slice(k, k + 64))) {
      const { backendId, resource, amount, interval } = row;
      addFlow(backendId, resource, interval, amount);
      if (resource === STORAGE) {
        addBucket(backendId, interval, { start: row.ts, end: row.ts + 1, sumDelta: amount, sumDeltaTime: 0 });
        continue;
      }
      const classRow = row.apiClass === null ? undefined : CLASS_ROW_OF_EVENT.get(row.apiClass);
      if (classRow !== undefined) addFlow(backendId, classRow, interval, amount);
    }
  }
  const rollupParts = [...parts].filter(([grain]) => grain !== RAW_GRAIN).flatMap(([, list]) => list);
  /** A part's storage rollups are one bucket of the part's extent (see the queries' notes). */
  const addPartBucket = (backendId: number, part: ReadPart, row: { total: number | string } & Limbs) => {
    addBucket(backendId, part.interval, {
      start: part.from,
      end: part.to,
      sumDelta: BigInt(row.total),
      sumDeltaTime: fromLimbs(row.hi, row.lo) + BigInt(grainSize(part.grain)) * BigInt(row.steps),
    });
  };

  if (isPostgres(db)) {
    if (rollupParts.length > 0) {
      const query = partsQuery(
        rollupParts.map((p) => ({ ...p, size: grainSize(p.grain), storageOnly: p.interval === BEFORE })),
        only,
        storageTime,
        before !== null && !options.pastLevels,
      );
      for (const row of yield* exec(query)) {
        const backendId = Number(row.backend_id);
        if (Number(row.part) === 0) {
          // The stored level (a row of backend_state), from which the changes at or after the edge come off.
          const level = before?.get(backendId);
          if (level !== undefined) before!.set(backendId, level + BigInt(row.total));
          continue;
        }
        const part = rollupParts[Number(row.part) - 1]!;
        const resource = Number(row.resource);
        addFlow(backendId, resource, part.interval, Number(row.total));
        if (storageTime && resource === STORAGE && row.hi !== null && row.lo !== null && row.steps !== null)
          addPartBucket(backendId, part, { total: row.total, hi: row.hi, lo: row.lo, steps: row.steps });
      }
    }
    return { flow, storage, before };
  }

  for (const [grain, list] of parts) {
    if (grain === RAW_GRAIN) continue;
    list.sort((a, b) => a.from - b.from);
    for (let k = 0; k < list.length; k += 64) {
      const chunk = list.slice(k, k + 64);
      // Sums per (part, backend, resource) from the database. A part's storage rollups are one bucket of
      // the part's extent: its Σ delta × (t − part start) is Σ Sτ + Σ (bucket − part start) × Sδ, the
      // second sum taken as bucket index × Sδ (index below 100 in any part: a day, an hour, a quarter or
      // a minute part), so it stays far inside 64 bits, times the grain size in BigInt here.
      for (const row of yield* exec(flowPartsQuery(db, grain, chunk, only))) {
        addFlow(Number(row.backend_id), Number(row.resource), chunk[Number(row.part)]!.interval, Number(row.total));
      }
      if (!storageTime) continue;
      const size = grainSize(grain);
      for (const row of yield* exec(storagePartsQuery(db, grain, size, chunk, only))) {
        const { total, hi, lo, steps } = row;
        addPartBucket(Number(row.backend_id), chunk[Number(row.part)]!, { total, hi, lo, steps });
      }
    }
  }
  return { flow, storage, before };
}

/** The byte-time sums of a part's storage rollups, as text (a limb may pass 2^53 after many sums). */
interface Limbs {
  hi: string;
  lo: string;
  steps: string;
}

/** An event of a raw part, with the interval its part feeds. */
interface RawRow {
  ts: number;
  backendId: number;
  resource: number;
  amount: number;
  apiClass: number | null;
  interval: number;
}

/** The events of raw parts (disjoint, sorted by start), each with the interval of the part holding it. */
function* rawEventRows(
  db: Kysely<Database>,
  backendIds: readonly number[],
  chunk: readonly ReadPart[],
): Plan<RawRow[]> {
  const within = (t: number) => {
    // The parts are disjoint and sorted: binary search for the one holding t.
    let lo = 0;
    let hi = chunk.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = chunk[mid]!;
      if (t < p.from) hi = mid - 1;
      else if (t >= p.to) lo = mid + 1;
      else return p.interval;
    }
    return -2;
  };
  const rows = yield* exec(
    db
      .selectFrom('events')
      .select(['backend_id', 'ts', 'resource', 'amount', 'api_class'])
      .where('backend_id', 'in', backendIds)
      .where('resource', 'in', RAW_CODES)
      .where((eb) => eb.or(chunk.map((p) => eb.and([eb('ts', '>=', p.from), eb('ts', '<', p.to)])))),
  );
  return rows.map((row) => ({
    ts: Number(row.ts),
    backendId: Number(row.backend_id),
    resource: Number(row.resource),
    amount: Number(row.amount),
    apiClass: row.api_class === null ? null : Number(row.api_class),
    interval: within(Number(row.ts)),
  }));
}

// Both queries below are one grouped SELECT per part joined by UNION ALL: each member is one primary-key
// range (level, bucket), where an OR of the ranges made SQLite merge them through a temporary B-tree first.
// Grouping is what costs: the flow query sums every resource of every backend read (no resource filter,
// unwanted codes are dropped in JS, which measured cheaper than filtering), and only the storage query
// carries the byte-time sums, over its own few rows.

/** Slots of a parts query: grain, then each part's from and to, then the backend ids (if any). */
function partValues(grain: number, parts: readonly { from: number; to: number }[], only: readonly number[] | null) {
  return [grain, ...parts.flatMap((p) => [p.from, p.to]), ...(only ?? [])];
}

/** Per (part, backend, resource): Σ total of the rollups of each part, `part` its ordinal. */
function flowPartsQuery(
  db: Kysely<Database>,
  grain: number,
  parts: readonly { from: number; to: number }[],
  only: readonly number[] | null,
) {
  const backendAt = 1 + 2 * parts.length;
  const key = `ledger-flow:${parts.length}:${only?.length ?? '-'}`;
  return shapedQuery(db, key, partValues(grain, parts, only), (v) => {
    const member = (i: number) => {
      let q = db
        .selectFrom('rollups')
        .select((eb) => [sql.lit(i).as('part'), 'backend_id', 'resource', eb.fn.sum<number>('total').as('total')])
        .where('level', '=', v(0))
        .where('bucket', '>=', v(1 + 2 * i))
        .where('bucket', '<', v(2 + 2 * i));
      if (only)
        q = q.where(
          'backend_id',
          'in',
          only.map((_, k) => v(backendAt + k)),
        );
      return q.groupBy(['backend_id', 'resource']);
    };
    let q = member(0);
    for (let i = 1; i < parts.length; i++) q = q.unionAll(member(i));
    return q;
  });
}

/** Per (part, backend): Σ delta, the byte-time limbs and Σ bucket index × delta of the storage rollups. */
function storagePartsQuery(
  db: Kysely<Database>,
  grain: number,
  size: number,
  parts: readonly { from: number; to: number }[],
  only: readonly number[] | null,
) {
  const values = [...partValues(grain, parts, only), size];
  const backendAt = 1 + 2 * parts.length;
  const sizeAt = values.length - 1;
  const key = `ledger-storage:${parts.length}:${only?.length ?? '-'}`;
  return shapedQuery(db, key, values, (v) => {
    const member = (i: number) => {
      let q = db
        .selectFrom('rollups')
        .select([
          sql.lit(i).as('part'),
          'backend_id',
          sql<string>`cast(sum(total) as text)`.as('total'),
          sql<string>`cast(sum(delta_time_hi) as text)`.as('hi'),
          sql<string>`cast(sum(delta_time_lo) as text)`.as('lo'),
          // The bucket's index in its part; cast, as SQLite may bind the edges as floating-point numbers.
          sql<string>`cast(sum(cast((bucket - ${v(1 + 2 * i)}) / ${v(sizeAt)} as integer) * total) as text)`.as(
            'steps',
          ),
        ])
        .where('level', '=', v(0))
        .where('bucket', '>=', v(1 + 2 * i))
        .where('bucket', '<', v(2 + 2 * i))
        .where('resource', '=', STORAGE);
      if (only)
        q = q.where(
          'backend_id',
          'in',
          only.map((_, k) => v(backendAt + k)),
        );
      return q.groupBy('backend_id');
    };
    let q = member(0);
    for (let i = 1; i < parts.length; i++) q = q.unionAll(member(i));
    return q;
  });
}
