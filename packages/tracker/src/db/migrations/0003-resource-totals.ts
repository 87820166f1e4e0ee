import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * The all-time total of each resource over every backend (but storage_used, whose bound is the sum of the
 * backends' levels): ingest refuses an event that would take it past 2^53 - 1, so no sum a read can compute
 * (one backend's, or all backends' together) leaves the range a JavaScript number holds exactly.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('resource_totals')
    .addColumn('resource', 'smallint', (c) => c.primaryKey())
    .addColumn('total', bigint, (c) => c.notNull())
    .modifyEnd(pg ? sql`` : sql`without rowid`)
    .execute();
  // Day rollups (level 4) are kept forever and count every event; 3 is storage_used.
  await sql`insert into resource_totals (resource, total)
    select resource, sum(total) from rollups where level = 4 and resource <> 3 group by resource`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('resource_totals').execute();
}
