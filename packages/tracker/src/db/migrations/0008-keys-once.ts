import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 14 item 8: an idempotency key is stored once, in event_keys, no longer also on its raw row. An
 * event's id is read from its key row while the key is kept (the dedupe window), through `event_id`: the
 * raw row the key was stored with (null when no raw row was kept, e.g. in rollups-only mode). The index on
 * it is partial, so keys without a raw row cost nothing there; it is not unique and holds no new unique
 * constraint, so every unique constraint still includes backend_id (Citus).
 *
 * Existing keys are linked to their raw rows before the column goes: one pass over the keyed rows, each
 * finding its key row by primary key. Dropping the column rewrites the events table (SQLite's DROP COLUMN,
 * no index names it since 0004) inside the migration's transaction, so a big file is migrated whole or not
 * at all; PostgreSQL only marks the column dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('event_keys')
    .addColumn('event_id', pg ? 'bigint' : 'integer')
    .execute();
  await sql`update event_keys set event_id = events.id from events
    where events.key is not null and events.backend_id = event_keys.backend_id and events.key = event_keys.key`.execute(
    db,
  );
  await db.schema
    .createIndex('event_keys_event')
    .on('event_keys')
    .column('event_id')
    .where(sql.ref('event_id'), 'is not', null)
    .execute();
  await db.schema.alterTable('events').dropColumn('key').execute();
}

/** Back to keys on raw rows: the keys still kept return to their rows; keys already pruned are gone. */
export async function down(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('events')
    .addColumn('key', pg ? sql`bytea` : sql`blob`)
    .execute();
  await sql`update events set key = event_keys.key from event_keys where event_keys.event_id = events.id`.execute(db);
  await db.schema.dropIndex('event_keys_event').execute();
  await db.schema.alterTable('event_keys').dropColumn('event_id').execute();
}
