import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { formatAmount } from '../format/format.js';
import { decodeEventKey } from '../ids/event-key.js';
import { toIso } from '../time/zone.js';
import { RESOURCE_BY_CODE, type UsageEvent } from '../types.js';
import type { BackendRow } from './backends.js';
import type { EventMatch } from './event-match.js';

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
    'key',
    'reported_level',
  ]);
}

export type EventRow = Awaited<ReturnType<ReturnType<typeof selectEventColumns>['executeTakeFirstOrThrow']>>;

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
