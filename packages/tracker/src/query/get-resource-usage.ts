import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../ids/cursor.js';
import { assertBackendType, assertResourceType } from '../record/validate.js';
import { type BackendType, RESOURCE_CODE, type ResourceType, type UsageEvent } from '../types.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends, selectBackends } from './backends.js';
import { countAll, eventsQuery, selectEventColumns, toUsageEvent } from './event-rows.js';
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
  const [count] = yield* exec(eventsQuery(db, filter).select(countAll.as('n')));
  const cursor = r.cursor;
  // The cursor also narrows the indexed range, so page n starts at the cursor instead of scanning n pages.
  let page = selectEventColumns(
    eventsQuery(db, cursor ? { ...filter, to: Math.min(filter.to, cursor.ts + 1) } : filter),
  );
  if (cursor) {
    page = page.where((eb) =>
      eb.or([eb('ts', '<', cursor.ts), eb.and([eb('ts', '=', cursor.ts), eb('id', '<', cursor.id)])]),
    );
  }
  const rows = yield* exec(
    page
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(r.limit + 1),
  );
  const byId = new Map(all.map((b) => [b.id, b]));
  const more = rows.length > r.limit;
  const shown = more ? rows.slice(0, r.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    events: shown.map((row) => toUsageEvent(row, byId)),
    nextCursor: more && last ? encodeCursor(Number(last.ts), Number(last.id)) : null,
    totalCount: Number(count?.n ?? 0),
  };
}
