import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 10: resource_totals had one row per resource, written by every batch of every writer, so on
 * PostgreSQL concurrent writers queued on it (even writers of different backends). Each PostgreSQL
 * connection now adds its batches' totals into one of a few slots of the resource; the total is
 * resource_totals' row plus every slot (query/resource-totals.ts reads them together). SQLite has one
 * writer and keeps adding to resource_totals; the table exists there too, empty, so both read alike.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resource_total_slots')
    .addColumn('resource', 'smallint', (c) => c.notNull())
    .addColumn('slot', 'smallint', (c) => c.notNull())
    .addColumn('total', isPostgres(db) ? 'bigint' : 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_total_slots_pk', ['resource', 'slot'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('resource_total_slots').execute();
}
