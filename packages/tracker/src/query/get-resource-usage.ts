import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { formatAmount } from '../format/format.js';
import { decodeCursor, encodeCursor } from '../ids/cursor.js';
import { assertBackendType, assertResourceType } from '../record/validate.js';
import { type Resolution, snapEdge } from '../rollup/grains.js';
import {
  type BackendType,
  RESOURCE_CODE,
  RESOURCE_TYPES,
  type ResourceStats,
  type ResourceType,
  type UsageEvent,
} from '../types.js';
import { aggregateKey, aggregateRanges, cellResource, type Range } from './aggregate.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends, selectBackends } from './backends.js';
import { type EventMatch, resolveEventMatch } from './event-match.js';
import { type EventFilter, eventsQuery, selectEventColumns, toUsageEvent, withKeys } from './event-rows.js';
import { shapedQuery } from './query-shapes.js';
import { checkRange, type RangeQuery, resolveRange } from './range.js';

export const MAX_PAGE = 1000;

export interface UsageQuery extends RangeQuery, BackendFilter, EventMatch {
  backendType?: BackendType;
  resourceType?: ResourceType;
  limit?: number;
  /** Continue towards older events: the page just after this cursor (a `nextCursor`). */
  cursor?: string;
  /** Go back towards newer events: the `limit` events just before this cursor (a `prevCursor`). */
  before?: string;
  /** The page at the oldest end: the `limit` oldest matching events (still listed newest first). */
  fromEnd?: boolean;
}

/** Sum, count, min and max of one resource over every event the filters match (not only the page). */
export type ResourceTotals = ResourceStats & { resourceType: ResourceType };

/**
 * A piece of a page's range (see totalsPieces), with its totals when they are kept from an earlier read.
 * `keep: false` marks one read every time, whose totals are needed only within the page's.
 */
export interface PieceTotals extends Range {
  known?: ResourceTotals[] | undefined;
  keep?: boolean;
}

/** A page, and the totals of each piece of its range (the page's totals are their sum). */
export interface UsageRead {
  page: UsagePage;
  pieces: ResourceTotals[][];
}

export interface UsagePage {
  events: UsageEvent[];
  /** Cursor for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** Cursor for the previous (newer) page, to pass as `before`; null on the first page. */
  prevCursor: string | null;
  totalCount: number;
  /** Per resource, in RESOURCE_TYPES order, over all matching events. */
  totals: ResourceTotals[];
}

/** Validates a drill-down query; throws ValidationError and reads nothing. */
export function resolveUsageQuery(q: UsageQuery, now: number) {
  if (q.backendType !== undefined) assertBackendType(q.backendType);
  if (q.resourceType !== undefined) assertResourceType(q.resourceType);
  const limit = q.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ValidationError(
      'INVALID_OPTION',
      `limit must be an integer from 1 to ${MAX_PAGE}; got ${String(limit)}.`,
    );
  }
  if (q.fromEnd !== undefined && typeof q.fromEnd !== 'boolean') {
    throw new ValidationError('INVALID_OPTION', 'fromEnd must be a boolean.', 'fromEnd');
  }
  const given = (v: string | undefined | null): v is string => v !== undefined && v !== null;
  const directions = [given(q.cursor), given(q.before), q.fromEnd === true].filter(Boolean).length;
  if (directions > 1) {
    throw new ValidationError(
      'INVALID_OPTION',
      'Give at most one of cursor (older page), before (newer page) and fromEnd (oldest page).',
    );
  }
  const after = given(q.cursor) ? decodeCursor(q.cursor) : null;
  const before = given(q.before) ? decodeCursor(q.before) : null;
  // A range ending at the clock is resolved once, at the first page: later pages carry that clock reading in
  // their cursor and read the same range (so paging neither slides nor skips rows, and their totals can be
  // kept). An explicit `to` needs no clock.
  const clockEnded = q.to === undefined;
  const carried = clockEnded ? (after ?? before)?.now : undefined;
  // A cursor is only ever handed out with a reading taken from this clock: one from the future (past a day's
  // slack for clocks of other replicas) was not, and could reach past the instants a Date can hold.
  if (carried !== undefined && carried > now + 86_400_000) {
    throw new ValidationError('INVALID_CURSOR', 'The cursor is not one this API returned; start again without it.');
  }
  const at = carried ?? now;
  const range = resolveRange(q, at, 24);
  // A clock reading from a cursor is input like any other: its range gets the checks an explicit one does.
  if (carried !== undefined) checkRange(range.from, range.to);
  return {
    ...range,
    ...resolveEventMatch(q),
    limit,
    after,
    before,
    fromEnd: q.fromEnd === true,
    /** The clock reading the range was resolved at, when it ends at the clock (cursors carry it). */
    clockAt: clockEnded ? at : undefined,
    /** Whether the range is the same for every call of this query (its totals can be kept). */
    fixedRange: !clockEnded || carried !== undefined,
  };
}

type Resolved = ReturnType<typeof resolveUsageQuery>;
type Side = (eb: ExpressionBuilder<Database, 'events'>) => ReturnType<ExpressionBuilder<Database, 'events'>['or']>;
/** Rows after a key in newest-first order (older), or before it (newer). */
const older =
  (k: { ts: unknown; id: unknown }): Side =>
  (eb) =>
    eb.or([eb('ts', '<', k.ts as number), eb.and([eb('ts', '=', k.ts as number), eb('id', '<', k.id as number)])]);
const newer =
  (k: { ts: unknown; id: unknown }): Side =>
  (eb) =>
    eb.or([eb('ts', '>', k.ts as number), eb.and([eb('ts', '=', k.ts as number), eb('id', '>', k.id as number)])]);

/**
 * One page of raw events, newest first, keyset-paginated on (timestamp, row id): forward from the newest
 * (or a cursor), backward from a `before` cursor, or from the oldest end. Pages are stable: events that
 * land meanwhile never shift or repeat a page's rows.
 */
export function* getResourceUsagePlan(
  db: Kysely<Database>,
  q: UsageQuery,
  r: Resolved,
  res: Resolution,
  pieces: readonly PieceTotals[],
): Plan<UsageRead> {
  const all = yield* loadBackends(db);
  const backends = selectBackends(all, q.backend, q.backendType);
  if (backends.length === 0) {
    const page = { events: [], nextCursor: null, prevCursor: null, totalCount: 0, totals: [] };
    return { page, pieces: pieces.map(() => []) };
  }
  const filtered = q.backend !== undefined || q.backendType !== undefined;
  const filter: EventFilter = {
    from: r.from,
    to: r.to,
    ...(filtered ? { backendIds: backends.map((b) => b.id) } : {}),
    ...(q.resourceType ? { resource: RESOURCE_CODE[q.resourceType] } : {}),
    ...(r.success !== undefined ? { success: r.success } : {}),
    ...(r.pathPrefix !== undefined ? { pathPrefix: r.pathPrefix } : {}),
  };
  // Each piece to keep is read on its own; those read every time (the slivers at both ends of a range ending
  // at the clock) only count toward the page's totals, so one statement reads them together.
  const pieceTotals: ResourceTotals[][] = [];
  for (const p of pieces) pieceTotals.push(p.known ?? (p.keep === false ? [] : yield* totalsOf(db, filter, [p], res)));
  const unkept = pieces.filter((p) => p.known === undefined && p.keep === false);
  const edges = unkept.length > 0 ? yield* totalsOf(db, filter, unkept, res) : [];
  const totals =
    pieceTotals.length === 1 && unkept.length === 0
      ? pieceTotals[0]!
      : totalsList(sumsOf([...pieceTotals.flat(), ...edges]));
  const totalCount = totals.reduce((n, t) => n + t.operationCount, 0);
  const backward = r.before !== null || r.fromEnd;
  const rows = yield* exec(pageQuery(db, filter, r, r.limit + 1));
  const more = rows.length > r.limit;
  const shown = more ? rows.slice(0, r.limit) : rows;
  if (backward) shown.reverse();
  const first = shown[0];
  const last = shown[shown.length - 1];
  // The side the page came from is known from the extra row; the other side needs one indexed probe.
  const hasOlder = backward ? last !== undefined && (yield* exists(db, filter, last, 'older')) : more;
  const hasNewer = backward
    ? more
    : first !== undefined && r.after !== null && (yield* exists(db, filter, first, 'newer'));
  const byId = new Map(all.map((b) => [b.id, b]));
  const page = {
    events: (yield* withKeys(db, shown)).map((row) => toUsageEvent(row, byId)),
    nextCursor: hasOlder && last ? encodeCursor(Number(last.ts), Number(last.id), r.clockAt) : null,
    prevCursor: hasNewer && first ? encodeCursor(Number(first.ts), Number(first.id), r.clockAt) : null,
    totalCount,
    totals,
  };
  return { page, pieces: pieceTotals };
}

/**
 * Everything the totals of one piece of a page's range (see totalsPieces) depend on but the data (see
 * totalsOf): two queries with the same key over unchanged data have the same totals there whatever their
 * cursors. A backend created meanwhile is a commit, so the backend filter is keyed by its words; the
 * resolution only by what totalsOf reads of it.
 */
export function usageTotalsKey(q: UsageQuery, r: Resolved, piece: Range, res: Resolution): string {
  return JSON.stringify([
    ...filterWords(q, r),
    piece.from,
    piece.to,
    rawComplete(piece, res),
    aggregateKey([piece], res),
  ]);
}

/**
 * What the reads of one range ending at the clock share while the clock moves (their pieces' keys differ):
 * the filters and either the range's length (`hoursBack`) or its start (`from` without `to`).
 */
export function clockRangeGroup(q: UsageQuery, r: Resolved): string {
  const span = q.from === undefined ? ['back', r.to - r.from] : ['from', r.from];
  return JSON.stringify([...filterWords(q, r), span]);
}

/** The filters a query's kept totals depend on, as the caller wrote them (see usageTotalsKey). */
function filterWords(q: UsageQuery, r: Resolved): unknown[] {
  return [q.backend ?? null, q.backendType ?? null, q.resourceType ?? null, r.success ?? null, r.pathPrefix ?? null];
}

/** Totals no other caller holds. */
export const copyTotals = (totals: readonly ResourceTotals[]): ResourceTotals[] => totals.map((t) => ({ ...t }));

/**
 * One page of rows from the cursor on (newest first forward, oldest first backward); compiled once per
 * shape (see shapedQuery), the match filters and the direction being part of the shape. Export reads its
 * pages (oldest first, from a `before` cursor) through it too.
 */
export function pageQuery(
  db: Kysely<Database>,
  f: EventFilter,
  r: Pick<Resolved, 'after' | 'before' | 'fromEnd'>,
  rows: number,
) {
  const backward = r.before !== null || r.fromEnd;
  const cursor = r.after ?? r.before;
  // A cursor also narrows the indexed range, so page n starts at the cursor instead of scanning n pages.
  const from = r.before ? Math.max(f.from, r.before.ts) : f.from;
  const to = r.after ? Math.min(f.to, r.after.ts + 1) : f.to;
  const prefix = f.pathPrefix;
  const values: unknown[] = [
    from,
    to,
    ...(f.backendIds ?? []),
    f.resource,
    cursor?.ts,
    cursor?.id,
    rows,
    f.success === undefined ? undefined : f.success ? 1 : 0,
    prefix,
    prefix === undefined ? undefined : [...prefix].length,
  ];
  const n = f.backendIds?.length ?? 0;
  const key =
    `usage-page:${f.backendIds ? n : '-'}:${f.resource === undefined ? '-' : 'r'}:` +
    `${r.after ? 'a' : r.before ? 'b' : '-'}:${backward ? 'asc' : 'desc'}:` +
    `${f.success === undefined ? '-' : 's'}:${prefix === undefined ? '-' : 'p'}`;
  return shapedQuery(db, key, values, (v) => {
    const ids = f.backendIds?.map((_, i) => v(2 + i));
    let page = selectEventColumns(
      eventsQuery(db, {
        from: v(0),
        to: v(1),
        ...(ids ? { backendIds: ids } : {}),
        ...(f.resource !== undefined ? { resource: v(2 + n) } : {}),
      }),
    );
    if (f.success !== undefined) page = page.where('success', '=', v(6 + n));
    // The same prefix compare as eventsQuery (substr counts code points in both dialects).
    if (prefix !== undefined) page = page.where(sql<string>`substr(${sql.ref('path')}, 1, ${v(8 + n)})`, '=', v(7 + n));
    const key = { ts: v(3 + n), id: v(4 + n) };
    if (r.after) page = page.where(older(key));
    if (r.before) page = page.where(newer(key));
    const order = backward ? 'asc' : 'desc';
    return page
      .orderBy('ts', order)
      .orderBy('id', order)
      .limit(v(5 + n));
  });
}

/**
 * Whether any matching event lies beyond a row, towards older or newer events. The keyset condition is an
 * OR the index cannot bound, so the probe's time range also starts (or ends) at the row: one index step,
 * not a scan from the window's far end.
 */
function* exists(
  db: Kysely<Database>,
  filter: EventFilter,
  row: { ts: unknown; id: unknown },
  side: 'older' | 'newer',
): Plan<boolean> {
  const key = { ts: Number(row.ts), id: Number(row.id) };
  // The page query's own shape with the row as its cursor, one row long: compiled once, like the page, and
  // its range also starts (or ends) at the row.
  const probe = { after: side === 'older' ? key : null, before: side === 'newer' ? key : null, fromEnd: false };
  const rows = yield* exec(pageQuery(db, filter, probe, 1));
  return rows.length > 0;
}

/** Whether every raw event of the range is still kept, at edges the resolution does not move. */
const rawComplete = (range: { from: number; to: number }, res: Resolution) =>
  range.from >= res.rawFrom && snapEdge(range.from, res) === range.from && snapEdge(range.to, res) === range.to;

/**
 * Sum, count, min and max per resource of every event the filter selects. Without a result or path filter,
 * where every raw event of the range is still kept, the rollups written in the same transaction hold exactly
 * the same events, and reading them costs O(buckets) instead of O(events): a page's cost then stays flat
 * however many events the range holds. (This assumes every process writing the file keeps raw events at
 * least as long as this one, which retention already does.) Rollups know neither paths nor which amounts
 * failed, and elsewhere raw events may be pruned while their rollups stay: then the raw events are grouped.
 */
function* totalsOf(
  db: Kysely<Database>,
  filter: EventFilter,
  ranges: readonly Range[],
  res: Resolution,
): Plan<ResourceTotals[]> {
  const byResource = new Map<number, ResourceSums>();
  const add = (resource: number, total: number, count: number, min: unknown, max: unknown) => {
    const t = byResource.get(resource) ?? { total: 0, count: 0, min: null, max: null };
    t.total += total;
    t.count += count;
    if (count > 0 && min !== null) t.min = t.min === null ? Number(min) : Math.min(t.min, Number(min));
    if (count > 0 && max !== null) t.max = t.max === null ? Number(max) : Math.max(t.max, Number(max));
    byResource.set(resource, t);
  };
  if (ranges.every((r) => rawComplete(r, res)) && filter.success === undefined && filter.pathPrefix === undefined) {
    // One statement per grain, however many ranges (see aggregateRanges).
    const { cells } = yield* aggregateRanges(
      db,
      ranges,
      {
        ...(filter.backendIds ? { backendIds: filter.backendIds } : {}),
        ...(filter.resource !== undefined ? { resources: [filter.resource] } : {}),
      },
      res,
      true,
    );
    for (const [key, cell] of cells[0] ?? new Map()) add(cellResource(key), cell.total, cell.count, cell.min, cell.max);
    return totalsList(byResource);
  }
  for (const { from, to } of ranges) {
    const groups = yield* exec(
      eventsQuery(db, { ...filter, from, to })
        .select([
          'resource',
          sql<number>`count(*)`.as('n'),
          sql<number>`sum(amount)`.as('total'),
          sql<number>`min(amount)`.as('low'),
          sql<number>`max(amount)`.as('high'),
        ])
        .groupBy('resource'),
    );
    for (const g of groups) add(g.resource, Number(g.total ?? 0), Number(g.n), g.low, g.high);
  }
  return totalsList(byResource);
}

/** Sum, count and extremes of one resource's amounts over a range. */
export interface ResourceSums {
  total: number;
  count: number;
  min: number | null;
  max: number | null;
}

/** Per-resource sums (keyed by resource code) of totals, those of one resource in several lists added up. */
export function sumsOf(totals: readonly ResourceTotals[]): Map<number, ResourceSums> {
  const sums = new Map<number, ResourceSums>();
  for (const t of totals) {
    const code = RESOURCE_CODE[t.resourceType];
    const sum = sums.get(code);
    if (!sum) {
      sums.set(code, { total: t.totalAmount, count: t.operationCount, min: t.minAmount, max: t.maxAmount });
      continue;
    }
    sum.total += t.totalAmount;
    sum.count += t.operationCount;
    if (t.minAmount !== null) sum.min = sum.min === null ? t.minAmount : Math.min(sum.min, t.minAmount);
    if (t.maxAmount !== null) sum.max = sum.max === null ? t.maxAmount : Math.max(sum.max, t.maxAmount);
  }
  return sums;
}

/** A page's totals from per-resource sums (keyed by resource code): RESOURCE_TYPES order, empty ones left out. */
export function totalsList(byResource: ReadonlyMap<number, ResourceSums>): ResourceTotals[] {
  return RESOURCE_TYPES.flatMap((resourceType) => {
    const t = byResource.get(RESOURCE_CODE[resourceType]);
    if (!t || t.count === 0) return [];
    return [
      {
        resourceType,
        totalAmount: t.total,
        operationCount: t.count,
        avgAmount: t.total / t.count,
        minAmount: t.min,
        maxAmount: t.max,
        formattedAmount: formatAmount(resourceType, t.total),
      },
    ];
  });
}
