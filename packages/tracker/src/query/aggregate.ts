import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import {
  type CoverPart,
  cover,
  grainSize,
  MINUTE_GRAIN,
  RAW_GRAIN,
  type Resolution,
  snapEdge,
} from '../rollup/grains.js';
import { CLASS_ROW_OF_EVENT, RESOURCE_CODE, RESOURCE_SLOTS } from '../types.js';
import { shapedQuery } from './query-shapes.js';

const CLASS_ROWS = new Set(CLASS_ROW_OF_EVENT.values());
const EVENT_RESOURCES: readonly number[] = Object.values(RESOURCE_CODE);

/** A filter without resources reads the event resources only: class rows count calls already counted. */
function eventResourcesUnlessAsked(filter: AggregateFilter): AggregateFilter {
  return filter.resources ? filter : { ...filter, resources: EVENT_RESOURCES };
}

/** Totals of one (backend, resource) in one range. */
export interface Cell {
  total: number;
  count: number;
  failures: number;
  min: number;
  max: number;
}

export interface AggregateFilter {
  backendIds?: readonly number[];
  resources?: readonly number[];
}

export interface Range {
  from: number;
  to: number;
}

/** Cells are keyed by backend id and resource code packed into one number. */
export const cellKey = (backendId: number, resource: number): number => backendId * RESOURCE_SLOTS + resource;
export const cellBackend = (key: number): number => Math.floor(key / RESOURCE_SLOTS);
export const cellResource = (key: number): number => key % RESOURCE_SLOTS;

const SPANS_PER_QUERY = 100;

interface Span extends Range {
  /** Index of the range each part of this span belongs to, by part start. */
  parts: { from: number; range: number }[];
}

/**
 * Sums rollups (and raw events for sub-minute edges) over several disjoint ranges at once, without ever
 * scanning more raw events than a minute at each edge. Edges are snapped to the finest resolution still
 * kept; the snapped ranges are returned beside the cells so callers can say what was covered.
 * `union`: the cells of all ranges summed, as cells[0] (the database then sums the raw parts of all of them
 * in one statement, as it does those of one range).
 */
export function* aggregateRanges(
  db: Kysely<Database>,
  ranges: readonly Range[],
  asked: AggregateFilter,
  res: Resolution,
  union = false,
): Plan<{ cells: Map<number, Cell>[]; covered: Range[] }> {
  const filter = eventResourcesUnlessAsked(asked);
  const cells = (union ? [0] : ranges).map(() => new Map<number, Cell>());
  const { covered, byGrain } = coverRanges(ranges, res);
  if (union) for (const parts of byGrain.values()) for (const p of parts) p.range = 0;

  for (const [grain, parts] of byGrain) {
    const spans = mergeSpans(parts);
    for (let i = 0; i < spans.length; i += SPANS_PER_QUERY) {
      const chunk = spans.slice(i, i + SPANS_PER_QUERY);
      if (grain === RAW_GRAIN && singleRange(chunk) >= 0) {
        // Every raw part feeds one range (a summary's sub-minute edges; the union of a drill-down's sub-second
        // slivers): the database sums them, so a read gets one row per (backend, resource, call class) however
        // many events the edges hold — the rows a read handles follow the backends, not the event rate.
        const target = cells[singleRange(chunk)]!;
        const rows = yield* exec(rawTotalsQuery(db, chunk, filter));
        for (const row of rows) {
          const resource = Number(row.resource);
          const backendId = Number(row.backend_id);
          const total = Number(row.total);
          const count = Number(row.count);
          // success is 0 or 1: what did not succeed failed.
          const failures = count - Number(row.successes);
          const min = Number(row.min);
          const max = Number(row.max);
          if (!filter.resources || filter.resources.includes(resource))
            add(target, cellKey(backendId, resource), total, count, failures, min, max);
          const classRow = row.api_class === null ? undefined : CLASS_ROW_OF_EVENT.get(Number(row.api_class));
          if (classRow !== undefined && (!filter.resources || filter.resources.includes(classRow)))
            add(target, cellKey(backendId, classRow), total, count, failures, min, max);
        }
      } else if (grain === RAW_GRAIN) {
        const rows = yield* exec(rawQuery(db, chunk, filter));
        for (const row of rows) {
          const range = locate(chunk, row.ts);
          if (range < 0) continue;
          if (!filter.resources || filter.resources.includes(row.resource))
            add(
              cells[range]!,
              cellKey(row.backend_id, row.resource),
              row.amount,
              1,
              row.success ? 0 : 1,
              row.amount,
              row.amount,
            );
          const classRow = row.api_class === null ? undefined : CLASS_ROW_OF_EVENT.get(Number(row.api_class));
          if (classRow !== undefined && (!filter.resources || filter.resources.includes(classRow))) {
            const key = cellKey(row.backend_id, classRow);
            add(cells[range]!, key, row.amount, 1, row.success ? 0 : 1, row.amount, row.amount);
          }
        }
      } else if (singleRange(chunk) >= 0 && bucketsIn(chunk, grain) > GROUP_IN_SQL_FROM) {
        // Every part feeds one range (a summary): let SQLite sum the buckets, so a month
        // reads back one row per (backend, resource) instead of one per day.
        const target = cells[singleRange(chunk)]!;
        const rows = yield* exec(rollupTotalsQuery(db, grain, chunk, filter));
        for (const row of rows) {
          add(
            target,
            cellKey(Number(row.backend_id), Number(row.resource)),
            Number(row.total),
            Number(row.count),
            Number(row.failures),
            Number(row.min),
            Number(row.max),
          );
        }
      } else {
        const rows = yield* exec(rollupQuery(db, grain, chunk, filter));
        for (const row of rows) {
          const range = locate(chunk, row.bucket);
          if (range < 0) continue;
          add(
            cells[range]!,
            cellKey(row.backend_id, row.resource),
            row.total,
            row.count,
            row.failures,
            row.min,
            row.max,
          );
        }
      }
    }
  }
  return { cells, covered };
}

type PartsByGrain = Map<number, { part: CoverPart; range: number }[]>;

/**
 * What aggregateRanges reads for these ranges at this resolution: the snapped ranges, and the parts of each
 * grain (minute parts older than the minute retention moved to raw events).
 */
export function coverRanges(ranges: readonly Range[], res: Resolution): { covered: Range[]; byGrain: PartsByGrain } {
  const covered = ranges.map((r) => ({ from: snapEdge(r.from, res), to: snapEdge(r.to, res) }));
  const byGrain: PartsByGrain = new Map();
  covered.forEach((r, range) => {
    for (const cut of cover(r.from, r.to)) {
      // Minute rollups older than their retention may be pruned; snapEdge only left such an edge unsnapped
      // because raw events are kept there, so they serve it instead.
      const part = cut.grain === MINUTE_GRAIN && cut.from < res.minuteFrom ? { ...cut, grain: RAW_GRAIN } : cut;
      const list = byGrain.get(part.grain) ?? [];
      list.push({ part, range });
      byGrain.set(part.grain, list);
    }
  });
  return { covered, byGrain };
}

/**
 * Everything of `ranges` and `res` that aggregateRanges' answer depends on, as a string: two calls with the
 * same key read the same rows, so over unchanged data they answer the same (see tracker/read-memo.ts). The
 * resolution moves with the clock, but it changes the answer only when it moves an edge or a part's grain.
 */
export function aggregateKey(ranges: readonly Range[], res: Resolution): string {
  const { covered, byGrain } = coverRanges(ranges, res);
  let key = '';
  for (const r of covered) key += `${r.from}-${r.to},`;
  for (const [grain, parts] of byGrain) {
    key += `${grain}:`;
    for (const { part, range } of parts) key += `${range}@${part.from}-${part.to},`;
    key += ';';
  }
  return key;
}

/** The values of a filter, after the spans' edges: backend ids, then resource codes. */
function filterValues(spans: readonly Span[], filter: AggregateFilter, first: readonly unknown[] = []): unknown[] {
  const values = [...first];
  for (const s of spans) values.push(s.from, s.to);
  if (filter.backendIds) values.push(...filter.backendIds);
  if (filter.resources) values.push(...filter.resources);
  return values;
}

/** Everything of the spans and filter that changes the SQL text (see shapedQuery). */
const shapeOf = (spans: readonly Span[], filter: AggregateFilter) =>
  `${spans.length}:${filter.backendIds?.length ?? '-'}:${filter.resources?.length ?? '-'}`;

/** Slots after `offset`: span edges, then backend ids, then resource codes (filterValues' order). */
function filterSlots(spans: readonly Span[], filter: AggregateFilter, v: (index: number) => never, offset: number) {
  const edges = spans.map((_, i) => ({ from: v(offset + 2 * i), to: v(offset + 2 * i + 1) }));
  let next = offset + 2 * spans.length;
  const backendIds = filter.backendIds?.map(() => v(next++));
  const resources = filter.resources?.map(() => v(next++));
  return { edges, backendIds, resources };
}

/** Class rows are counted from api_calls events: asked for one, a raw read reads api_calls too (the caller
 * keeps only the cells it asked for). */
function rawFilter(wanted: AggregateFilter): AggregateFilter {
  return wanted.resources?.some((r) => CLASS_ROWS.has(r)) && !wanted.resources.includes(RESOURCE_CODE.api_calls)
    ? { ...wanted, resources: [...wanted.resources, RESOURCE_CODE.api_calls] }
    : wanted;
}

function rawBuilder(db: Kysely<Database>, spans: readonly Span[], filter: AggregateFilter, v: (i: number) => never) {
  const { edges, backendIds, resources } = filterSlots(spans, filter, v, 0);
  let q = db
    .selectFrom('events')
    .select(['ts', 'backend_id', 'resource', 'amount', 'success', 'api_class'])
    .where((eb) => eb.or(edges.map((s) => eb.and([eb('ts', '>=', s.from), eb('ts', '<', s.to)]))));
  if (backendIds) q = q.where('backend_id', 'in', backendIds);
  if (resources) q = q.where('resource', 'in', resources);
  return q;
}

function rawQuery(db: Kysely<Database>, spans: readonly Span[], wanted: AggregateFilter) {
  const filter = rawFilter(wanted);
  return shapedQuery(db, `aggregate-raw:${shapeOf(spans, filter)}`, filterValues(spans, filter), (v) =>
    rawBuilder(db, spans, filter, v),
  );
}

/** The raw events of the spans summed per (backend, resource, call class), as rollups sum them. */
function rawTotalsQuery(db: Kysely<Database>, spans: readonly Span[], wanted: AggregateFilter) {
  const filter = rawFilter(wanted);
  return shapedQuery(db, `aggregate-raw-totals:${shapeOf(spans, filter)}`, filterValues(spans, filter), (v) =>
    rawBuilder(db, spans, filter, v)
      .clearSelect()
      .select((eb) => [
        'backend_id',
        'resource',
        'api_class',
        eb.fn.sum<number>('amount').as('total'),
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>('success').as('successes'),
        eb.fn.min<number>('amount').as('min'),
        eb.fn.max<number>('amount').as('max'),
      ])
      .groupBy(['backend_id', 'resource', 'api_class']),
  );
}

function rollupBuilder(db: Kysely<Database>, spans: readonly Span[], filter: AggregateFilter, v: (i: number) => never) {
  const { edges, backendIds, resources } = filterSlots(spans, filter, v, 1);
  const grain = v(0);
  let q = db
    .selectFrom('rollups')
    .select(['bucket', 'backend_id', 'resource', 'total', 'count', 'failures', 'min', 'max'])
    .where((eb) =>
      eb.or(edges.map((s) => eb.and([eb('level', '=', grain), eb('bucket', '>=', s.from), eb('bucket', '<', s.to)]))),
    );
  if (backendIds) q = q.where('backend_id', 'in', backendIds);
  if (resources) q = q.where('resource', 'in', resources);
  return q;
}

function rollupQuery(db: Kysely<Database>, grain: number, spans: readonly Span[], filter: AggregateFilter) {
  return shapedQuery(db, `aggregate-rollups:${shapeOf(spans, filter)}`, filterValues(spans, filter, [grain]), (v) =>
    rollupBuilder(db, spans, filter, v),
  );
}

function rollupTotalsQuery(db: Kysely<Database>, grain: number, spans: readonly Span[], filter: AggregateFilter) {
  return shapedQuery(db, `aggregate-totals:${shapeOf(spans, filter)}`, filterValues(spans, filter, [grain]), (v) =>
    rollupBuilder(db, spans, filter, v)
      .clearSelect()
      .select((eb) => [
        'backend_id',
        'resource',
        eb.fn.sum<number>('total').as('total'),
        eb.fn.sum<number>('count').as('count'),
        eb.fn.sum<number>('failures').as('failures'),
        eb.fn.min<number>('min').as('min'),
        eb.fn.max<number>('max').as('max'),
      ])
      .groupBy(['backend_id', 'resource']),
  );
}

/** Buckets per cell past which summing in SQL beats reading every bucket row (a GROUP BY has a fixed cost). */
const GROUP_IN_SQL_FROM = 4;

function bucketsIn(spans: readonly Span[], grain: number): number {
  const size = grainSize(grain);
  let buckets = 0;
  for (const span of spans) buckets += (span.to - span.from) / size;
  return buckets;
}

/** The range every part of these spans belongs to, or -1 when they feed several. */
function singleRange(spans: readonly Span[]): number {
  const range = spans[0]?.parts[0]?.range ?? -1;
  for (const span of spans) for (const part of span.parts) if (part.range !== range) return -1;
  return range;
}

/** Joins touching parts of one grain into spans so one index range serves them all. */
function mergeSpans(parts: { part: CoverPart; range: number }[]): Span[] {
  parts.sort((a, b) => a.part.from - b.part.from);
  const spans: Span[] = [];
  for (const { part, range } of parts) {
    const last = spans[spans.length - 1];
    if (last && last.to === part.from) {
      last.to = part.to;
      last.parts.push({ from: part.from, range });
    } else {
      spans.push({ from: part.from, to: part.to, parts: [{ from: part.from, range }] });
    }
  }
  return spans;
}

/** The range a timestamp (or bucket start) belongs to, by binary search over the parts of the spans. */
function locate(spans: readonly Span[], t: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid]!;
    if (t < span.from) hi = mid - 1;
    else if (t >= span.to) lo = mid + 1;
    else {
      const parts = span.parts;
      let a = 0;
      let b = parts.length - 1;
      while (a < b) {
        const m = (a + b + 1) >> 1;
        if (parts[m]!.from <= t) a = m;
        else b = m - 1;
      }
      return parts[a]!.range;
    }
  }
  return -1;
}

function add(
  map: Map<number, Cell>,
  key: number,
  total: number,
  count: number,
  failures: number,
  min: number,
  max: number,
) {
  const cell = map.get(key);
  if (!cell) {
    map.set(key, { total, count, failures, min, max });
    return;
  }
  cell.total += total;
  cell.count += count;
  cell.failures += failures;
  if (min < cell.min) cell.min = min;
  if (max > cell.max) cell.max = max;
}
