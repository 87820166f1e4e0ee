import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';
  const binary = pg ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('backends')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('ts', bigint, (c) => c.notNull())
    .addColumn('backend_id', bigint, (c) => c.notNull())
    .addColumn('resource', 'smallint', (c) => c.notNull())
    .addColumn('amount', bigint, (c) => c.notNull())
    .addColumn('success', 'smallint', (c) => c.notNull())
    .addColumn('duration_ms', bigint)
    .addColumn('operation_id', 'text')
    .addColumn('path', 'text')
    .addColumn('metadata', 'text')
    .addColumn('key', binary)
    .addColumn('reported_level', bigint)
    .execute();
  // Drill-down, export and range edges read by time; the rowid breaks ties.
  await db.schema.createIndex('events_ts').on('events').columns(['ts']).execute();
  await db.schema
    .createIndex('events_key')
    .on('events')
    .column('key')
    .unique()
    .where(sql.ref('key'), 'is not', null)
    .execute();

  await db.schema
    .createTable('rollups')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('bucket', bigint, (c) => c.notNull())
    .addColumn('backend_id', bigint, (c) => c.notNull())
    .addColumn('resource', 'smallint', (c) => c.notNull())
    .addColumn('total', bigint, (c) => c.notNull())
    .addColumn('count', bigint, (c) => c.notNull())
    .addColumn('failures', bigint, (c) => c.notNull())
    .addColumn('min', bigint, (c) => c.notNull())
    .addColumn('max', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('rollups_pk', ['level', 'bucket', 'backend_id', 'resource'])
    .modifyEnd(pg ? sql`` : sql`without rowid`)
    .execute();

  await db.schema
    .createTable('backend_state')
    .addColumn('backend_id', bigint, (c) => c.primaryKey())
    .addColumn('storage_level', bigint, (c) => c.notNull())
    .addColumn('last_event_at', bigint)
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backend_state').execute();
  await db.schema.dropTable('rollups').execute();
  await db.schema.dropTable('events').execute();
  await db.schema.dropTable('backends').execute();
}
