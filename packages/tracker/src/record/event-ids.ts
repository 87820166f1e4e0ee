import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';

/**
 * `count` new raw-row ids, ascending, taken before the rows are written, so a batch's idempotency keys can
 * name the rows they belong to (event_keys.event_id) in the same statement that tells duplicates apart.
 *
 * PostgreSQL draws them from the events sequence, which never hands out a value twice. SQLite has no
 * sequence (a rowid is max + 1): the ids follow the highest in use, raw rows and key rows both, so an id a
 * key still points at is never given to another row, even after retention deleted every raw row. The
 * caller holds SQLite's write lock, so no other writer takes the same ids.
 */
export function* reserveEventIds(db: Kysely<Database>, count: number): Plan<number[]> {
  if (count === 0) return [];
  if (isPostgres(db)) {
    const rows = yield* exec(
      sql<{ id: string | number }>`select nextval(pg_get_serial_sequence('events', 'id')) as id
        from generate_series(1, ${count})`.compile(db),
    );
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  const [row] = yield* exec(
    sql<{ top: number | null }>`select max(
        (select coalesce(max(id), 0) from events),
        (select coalesce(max(event_id), 0) from event_keys where event_id is not null)
      ) as top`.compile(db),
  );
  const first = Number(row?.top ?? 0) + 1;
  return Array.from({ length: count }, (_, i) => first + i);
}
