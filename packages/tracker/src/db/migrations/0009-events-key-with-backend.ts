import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * PostgreSQL: the events' primary key becomes (id, backend_id), so every unique constraint on events,
 * keys and rollups includes backend_id and Citus can distribute the table by it (a distributed table's
 * unique constraints must include its distribution column). `id` stays first: the same index still
 * serves every read by id (feeds, pages, retention slices) and ids stay unique (one sequence). SQLite
 * keeps its rowid: a file is never distributed, and rebuilding the table would only cost space.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table events drop constraint events_pkey`.execute(db);
  await sql`alter table events add constraint events_pkey primary key (id, backend_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table events drop constraint events_pkey`.execute(db);
  await sql`alter table events add constraint events_pkey primary key (id)`.execute(db);
}
