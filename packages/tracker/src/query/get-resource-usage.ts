import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../ids/cursor.js';
import { assertBackendType, assertResourceType } from '../record/validate.js';
import { type Resolution, snapEdge } from '../rollup/grains.js';
import { type BackendType, RESOURCE_CODE, type ResourceType, type UsageEvent } from '../types.js';
import { countInRange } from './aggregate.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends, selectBackends } from './backends.js';
import { countAll, type EventFilter, eventsQuery, selectEventColumns, toUsageEvent } from './event-rows.js';
import { shapedQuery } from './query-shapes.js';
import { type RangeQuery, resolveRange } from './range.js';

export const MAX_PAGE = 1000;

export interface UsageQuery extends RangeQuery, BackendFilter {
  backendType?: BackendType;
  resourceType?: ResourceType;
  limit?: number;
  cursor?: string;
}

export interface UsagePage {
  events: UsageEvent[];
  nextCursor: string | null;
  totalCount: number;
}

/** Validates a drill-down query; throws ValidationError. */
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
  const cursor = q.cursor === undefined || q.cursor === null ? null : decodeCursor(q.cursor);
  return { ...resolveRange(q, now, 24), limit, cursor };
}

/** One page of raw events, newest first, keyset-paginated on (timestamp, row id). */
export function* getResourceUsagePlan(
  db: Kysely<Database>,
  q: UsageQuery,
  r: ReturnType<typeof resolveUsageQuery>,
  res: Resolution,
): Plan<UsagePage> {
  const all = yield* loadBackends(db);
  const backends = selectBackends(all, q.backend, q.backendType);
  if (backends.length === 0) return { events: [], nextCursor: null, totalCount: 0 };
  const filtered = q.backend !== undefined || q.backendType !== undefined;
  const filter = {
    from: r.from,
    to: r.to,
    ...(filtered ? { backendIds: backends.map((b) => b.id) } : {}),
    ...(q.resourceType ? { resource: RESOURCE_CODE[q.resourceType] } : {}),
  };
  const totalCount = yield* countEvents(db, filter, res);
  const rows = yield* exec(pageQuery(db, filter, r.cursor, r.limit + 1));
  const byId = new Map(all.map((b) => [b.id, b]));
  const more = rows.length > r.limit;
  const shown = more ? rows.slice(0, r.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    events: shown.map((row) => toUsageEvent(row, byId)),
    nextCursor: more && last ? encodeCursor(Number(last.ts), Number(last.id)) : null,
    totalCount,
  };
}

/** One page of rows, newest first, from the cursor on; compiled once per shape (see shapedQuery). */
function pageQuery(db: Kysely<Database>, f: EventFilter, cursor: { ts: number; id: number } | null, rows: number) {
  // The cursor also narrows the indexed range, so page n starts at the cursor instead of scanning n pages.
  const to = cursor ? Math.min(f.to, cursor.ts + 1) : f.to;
  const values: unknown[] = [f.from, to, ...(f.backendIds ?? []), f.resource, cursor?.ts, cursor?.id, rows];
  const n = f.backendIds?.length ?? 0;
  const key = `usage-page:${f.backendIds ? n : '-'}:${f.resource === undefined ? '-' : 'r'}:${cursor ? 'c' : '-'}`;
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
    if (cursor) {
      const ts = v(3 + n);
      page = page.where((eb) => eb.or([eb('ts', '<', ts), eb.and([eb('ts', '=', ts), eb('id', '<', v(4 + n))])]));
    }
    return page
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(v(5 + n));
  });
}

/**
 * How many raw events the filter selects. Where every raw event of the range is still kept, the rollups
 * written in the same transaction count exactly the same events, and summing them costs O(buckets) instead
 * of O(events): a page's cost then stays flat however many events the range holds. (This assumes every
 * process writing the file keeps raw events at least as long as this one, which retention already does.)
 * Elsewhere raw events may be pruned while their rollups stay, so they are counted one by one.
 */
function* countEvents(db: Kysely<Database>, filter: EventFilter, res: Resolution): Plan<number> {
  const rawComplete =
    filter.from >= res.rawFrom && snapEdge(filter.from, res) === filter.from && snapEdge(filter.to, res) === filter.to;
  if (!rawComplete) {
    const [count] = yield* exec(eventsQuery(db, filter).select(countAll.as('n')));
    return Number(count?.n ?? 0);
  }
  return yield* countInRange(
    db,
    { from: filter.from, to: filter.to },
    {
      ...(filter.backendIds ? { backendIds: filter.backendIds } : {}),
      ...(filter.resource !== undefined ? { resources: [filter.resource] } : {}),
    },
    res,
  );
}
