import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 13, /metrics: each backend's all-time total, count and failures of the resources a scrape exposes
 * as counters (bandwidth_upload 1, bandwidth_download 2, api_calls 4, operation_cost 5), kept up to date in
 * the transaction of every batch that adds to the rollups, so a scrape reads at most backends × 4 rows
 * instead of summing every day rollup ever written. storage_used (3) is left out: a backdated level report
 * rewrites past rollups, and its level is a gauge read from backend_state; so are the API call classes'
 * rows (6-8), which no counter needs. The primary key starts with backend_id (distributable by it, as
 * rollups are). Filled here from the day rollups (level 4), which are never pruned and count every event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('backend_totals')
    .addColumn('backend_id', bigint, (c) => c.notNull())
    .addColumn('resource', 'smallint', (c) => c.notNull())
    .addColumn('total', bigint, (c) => c.notNull())
    .addColumn('count', bigint, (c) => c.notNull())
    .addColumn('failures', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('backend_totals_pk', ['backend_id', 'resource'])
    .modifyEnd(pg ? sql`` : sql`without rowid`)
    .execute();
  await sql`insert into backend_totals (backend_id, resource, total, count, failures)
    select backend_id, resource, sum(total), sum(count), sum(failures) from rollups
    where level = 4 and resource in (1, 2, 4, 5) group by backend_id, resource`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backend_totals').execute();
}
