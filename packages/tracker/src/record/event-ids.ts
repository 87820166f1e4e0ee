import { type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';

/**
 * `count` new raw-row ids, ascending, taken before the rows are written, so a batch's idempotency keys can
 * name the rows they belong to (event_keys.event_id) in the same statement that tells duplicates apart.
 *
 * SQLite only: PostgreSQL batches draw their ids from the events sequence inside their own script
 * (`reserveIdsSql` in pg-ingest.ts). SQLite has no sequence (a rowid is max + 1): the ids follow the highest
 * in use, raw rows and key rows both, so an id a key still points at is never given to another row, even
 * after retention deleted every raw row. The caller holds SQLite's write lock, so no other writer takes
 * the same ids.
 */
export function* reserveEventIds(db: Kysely<Database>, count: number): Plan<number[]> {
  if (count === 0) return [];
  const [row] = yield* exec(
    sql<{ top: number | null }>`select max(
        (select coalesce(max(id), 0) from events),
        (select coalesce(max(event_id), 0) from event_keys where event_id is not null)
      ) as top`.compile(db),
  );
  const first = Number(row?.top ?? 0) + 1;
  return Array.from({ length: count }, (_, i) => first + i);
}
