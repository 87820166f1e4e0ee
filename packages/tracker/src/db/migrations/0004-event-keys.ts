import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Idempotency keys get their own compact table, unique per backend: `(backend_id, key)` is the primary
 * key (WITHOUT ROWID on SQLite, so the key is stored once, in the table's own b-tree), so every unique
 * constraint includes backend_id (a table distributed by backend_id on Citus can enforce it per shard),
 * and keys are kept for their own dedupe window, pruned by `ts` (when the key was stored), independent
 * of how long raw events are kept. No index on `ts`: on a WITHOUT ROWID table it would repeat the whole
 * key (measured: as large as the table), so the hourly prune scans instead. The raw row keeps its key only to answer the event's id; the global
 * unique index on it goes. Existing keys move over with their event's time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('event_keys')
    .addColumn('backend_id', bigint, (c) => c.notNull())
    .addColumn('key', pg ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('ts', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('event_keys_pk', ['backend_id', 'key'])
    .modifyEnd(pg ? sql`` : sql`without rowid`)
    .execute();
  await sql`insert into event_keys (backend_id, key, ts)
    select backend_id, key, ts from events where key is not null`.execute(db);
  await db.schema.dropIndex('events_key').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('events_key')
    .on('events')
    .column('key')
    .unique()
    .where(sql.ref('key'), 'is not', null)
    .execute();
  await db.schema.dropTable('event_keys').execute();
}
