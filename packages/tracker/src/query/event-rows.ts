import { CompiledQuery, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { formatAmount } from '../format/format.js';
import { decodeEventKey } from '../ids/event-key.js';
import { toIso } from '../time/zone.js';
import { RESOURCE_BY_CODE, type UsageEvent } from '../types.js';
import type { BackendRow } from './backends.js';
import type { EventMatch } from './event-match.js';
import { shapedQuery } from './query-shapes.js';

export interface EventFilter extends EventMatch {
  from: number;
  to: number;
  backendIds?: readonly number[];
  resource?: number;
}

/** Raw events in a range under a filter; the one place drill-down and export select from. */
export function eventsQuery(db: Kysely<Database>, f: EventFilter) {
  let q = db.selectFrom('events').where('ts', '>=', f.from).where('ts', '<', f.to);
  if (f.backendIds) q = q.where('backend_id', 'in', f.backendIds);
  if (f.resource !== undefined) q = q.where('resource', '=', f.resource);
  if (f.success !== undefined) q = q.where('success', '=', f.success ? 1 : 0);
  if (f.pathPrefix !== undefined) {
    // A prefix compare both SQL dialects run alike: LIKE is case-insensitive in SQLite and not in
    // PostgreSQL, and would need its wildcards escaped. substr counts characters (code points) in both.
    const length = [...f.pathPrefix].length;
    q = q.where(sql<string>`substr(${sql.ref('path')}, 1, ${sql.lit(length)})`, '=', f.pathPrefix);
  }
  return q;
}

export function selectEventColumns(q: SelectQueryBuilder<Database, 'events', object>) {
  return q.select([
    'id',
    'ts',
    'backend_id',
    'resource',
    'amount',
    'success',
    'duration_ms',
    'operation_id',
    'path',
    'metadata',
    'reported_level',
  ]);
}

/** A raw row as selected by selectEventColumns. */
export type StoredEventRow = Awaited<ReturnType<ReturnType<typeof selectEventColumns>['executeTakeFirstOrThrow']>>;
/** A raw row with the idempotency key it was recorded with, while event_keys keeps it. */
export type EventRow = StoredEventRow & { key: Uint8Array | null };

/** Ids per key lookup, and the list lengths a lookup is padded to, so only four statement texts exist. */
const KEY_LOOKUP_SIZES = [1, 8, 64, 500];
const MAX_LOOKUP = 500;
/** Id span per page row up to which one range read of event_keys replaces the id lists. */
const KEY_SPAN_PER_ROW = 4;
const keyLookups = new WeakMap<Kysely<Database>, Map<number, string>>();

/** The compiled text of a key lookup for `n` row ids (compiling a 500-id IN list per page costs more than running it). */
function keyLookupText(db: Kysely<Database>, n: number): string {
  const cache = keyLookups.get(db) ?? new Map<number, string>();
  keyLookups.set(db, cache);
  let text = cache.get(n);
  if (!text) {
    text = db
      .selectFrom('event_keys')
      .select(['event_id', 'key'])
      .where('event_id', 'is not', null)
      .where(
        'event_id',
        'in',
        Array.from({ length: n }, () => 0),
      )
      .compile().sql;
    cache.set(n, text);
  }
  return text;
}

/**
 * The rows with their idempotency keys, read from event_keys by raw-row id (its partial index on event_id;
 * `is not null` lets SQLite use it). A key pruned after the dedupe window leaves its event the id `bm:<n>`.
 * The rows are completed in place.
 */
export function* withKeys(db: Kysely<Database>, rows: readonly StoredEventRow[]): Plan<EventRow[]> {
  const keys = new Map<number, Uint8Array>();
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    const id = Number(r.id);
    if (id < low) low = id;
    if (id > high) high = id;
  }
  // Row ids grow with recording, so a page's ids mostly fill a narrow span: one index range over it returns
  // at most that span's keys (none when nothing was recorded with ids), where the id lists cost a lookup
  // per row. Sparse pages (a filter, a backfill) keep the lists.
  const dense = rows.length > 0 && high - low < rows.length * KEY_SPAN_PER_ROW;
  if (dense) {
    const found = yield* exec(
      shapedQuery(db, 'event-keys:span', [low, high], (v) =>
        db
          .selectFrom('event_keys')
          .select(['event_id', 'key'])
          .where('event_id', 'is not', null)
          .where('event_id', '>=', v(0))
          .where('event_id', '<=', v(1)),
      ),
    );
    for (const k of found) keys.set(Number(k.event_id), k.key);
  }
  for (let offset = 0; !dense && offset < rows.length; ) {
    const size = KEY_LOOKUP_SIZES.find((s) => s >= rows.length - offset) ?? MAX_LOOKUP;
    const ids = rows.slice(offset, offset + size).map((r) => r.id);
    // Padded with the last id again: a repeat in an IN list changes nothing.
    while (ids.length < size) ids.push(ids[ids.length - 1]!);
    const found = yield* exec<{ event_id: number | null; key: Uint8Array }>(
      CompiledQuery.raw(keyLookupText(db, size), ids),
    );
    for (const k of found) keys.set(Number(k.event_id), k.key);
    offset += size;
  }
  const out = rows as EventRow[];
  for (const r of out) r.key = keys.get(Number(r.id)) ?? null;
  return out;
}

/** Maps a stored row to the public event shape. */
export function toUsageEvent(row: EventRow, backends: ReadonlyMap<number, BackendRow>): UsageEvent {
  const backend = backends.get(Number(row.backend_id));
  const resourceType = RESOURCE_BY_CODE[row.resource] ?? 'api_calls';
  const amount = Number(row.amount);
  return {
    id: row.key ? decodeEventKey(row.key) : `bm:${row.id}`,
    timestamp: toIso(Number(row.ts)),
    backend: backend?.name ?? `#${row.backend_id}`,
    backendType: backend?.type ?? 'local',
    resourceType,
    amount,
    formattedAmount: formatAmount(resourceType, amount),
    operationId: row.operation_id,
    path: row.path,
    success: Boolean(row.success),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    reportedLevel: row.reported_level === null ? null : Number(row.reported_level),
  };
}
