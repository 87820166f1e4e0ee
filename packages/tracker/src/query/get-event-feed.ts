import { type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { assertResourceType } from '../record/validate.js';
import { RESOURCE_CODE, type ResourceType, type UsageEvent } from '../types.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends } from './backends.js';
import { selectEventColumns, toUsageEvent, withKeys } from './event-rows.js';

/**
 * A position in the stream of stored events. On SQLite, the row id of the last event seen: SQLite hands
 * out row ids in commit order (one writer at a time), so "after this id" is exactly "landed since",
 * whichever process wrote it. On PostgreSQL ids are not handed out in commit order; there a cursor is an
 * offset in the tracker's commit log (feed/commit-feed.ts), valid with the tracker that issued it.
 */
export type FeedCursor = number;

/** Most events one feed read returns; the next read continues from its cursor. */
export const MAX_FEED_PAGE = 1000;

export interface EventFeedQuery extends BackendFilter {
  /** Omit to start at the newest stored event (returns none, only the cursor). */
  after?: FeedCursor;
  limit?: number;
  resourceType?: ResourceType;
}

export interface EventFeedPage {
  events: UsageEvent[];
  cursor: FeedCursor;
  /**
   * PostgreSQL only, absent when none: events committed after the cursor that this read jumped over
   * because the reader fell more than 60 s behind the tracker's commit log (a BYTEMETER_FEED_GAP warning
   * says so too). They are stored; this feed no longer hands them out.
   */
  skipped?: number;
}

export interface BandwidthFeedQuery extends BackendFilter {
  after?: FeedCursor;
}

/** Bytes that landed since a cursor, and the cursor to read from next. */
export interface BandwidthDelta {
  uploadBytes: number;
  downloadBytes: number;
  cursor: FeedCursor;
}

function* newestId(db: Kysely<Database>): Plan<number> {
  const [row] = yield* exec(db.selectFrom('events').select(sql<number | null>`max(id)`.as('id')));
  return Number(row?.id ?? 0);
}

/** A feed filter's backend as its id: undefined when no backend was asked for, null when it is unknown. */
export function* backendIdFor(db: Kysely<Database>, name: string | undefined): Plan<number | null | undefined> {
  if (name === undefined) return undefined;
  const [row] = yield* exec(db.selectFrom('backends').select('id').where('name', '=', name));
  return row ? Number(row.id) : null;
}

/** A read's page size: `limit` within 1..MAX_FEED_PAGE, MAX_FEED_PAGE when omitted. */
export function feedPageLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.trunc(limit ?? MAX_FEED_PAGE)), MAX_FEED_PAGE);
}

/** Events stored after a cursor, oldest first (a page of at most `limit`), and the cursor to continue from. */
export function* getEventFeedPlan(db: Kysely<Database>, q: EventFeedQuery): Plan<EventFeedPage> {
  if (q.resourceType !== undefined) assertResourceType(q.resourceType);
  const limit = feedPageLimit(q.limit);
  const newest = yield* newestId(db);
  if (q.after === undefined) return { events: [], cursor: newest };
  if (newest <= q.after) return { events: [], cursor: q.after };
  // Scan by row id (the primary key) with the filters applied in the same read, one page at a time.
  const rows = yield* exec(
    selectEventColumns(db.selectFrom('events')).where('id', '>', q.after).orderBy('id').limit(limit),
  );
  const cursor = rows.length === limit ? Number(rows[rows.length - 1]!.id) : newest;
  const backendId = yield* backendIdFor(db, q.backend);
  const resource = q.resourceType === undefined ? undefined : RESOURCE_CODE[q.resourceType];
  const wanted = rows.filter(
    (r) =>
      (backendId === undefined || Number(r.backend_id) === backendId) &&
      (resource === undefined || r.resource === resource),
  );
  if (wanted.length === 0) return { events: [], cursor };
  const byId = new Map((yield* loadBackends(db)).map((b) => [b.id, b]));
  return { events: (yield* withKeys(db, wanted)).map((r) => toUsageEvent(r, byId)), cursor };
}

/**
 * Upload and download bytes stored after a cursor (one backend, or all): what live bandwidth samples.
 * Counting by arrival rather than by event time means an event flushed late by another process is
 * counted in the next sample instead of being missed.
 */
export function* getBandwidthFeedPlan(db: Kysely<Database>, q: BandwidthFeedQuery): Plan<BandwidthDelta> {
  const newest = yield* newestId(db);
  if (q.after === undefined || newest <= q.after) {
    return { uploadBytes: 0, downloadBytes: 0, cursor: q.after === undefined ? newest : q.after };
  }
  const backendId = yield* backendIdFor(db, q.backend);
  if (backendId === null) return { uploadBytes: 0, downloadBytes: 0, cursor: newest };
  let query = db
    .selectFrom('events')
    .select(['resource', sql<number>`sum(amount)`.as('total')])
    .where('id', '>', q.after)
    .where('id', '<=', newest)
    .where('resource', 'in', [RESOURCE_CODE.bandwidth_upload, RESOURCE_CODE.bandwidth_download])
    .groupBy('resource');
  if (backendId !== undefined) query = query.where('backend_id', '=', backendId);
  const rows = yield* exec(query);
  let uploadBytes = 0;
  let downloadBytes = 0;
  for (const r of rows) {
    if (r.resource === RESOURCE_CODE.bandwidth_upload) uploadBytes = Number(r.total);
    else downloadBytes = Number(r.total);
  }
  return { uploadBytes, downloadBytes, cursor: newest };
}
