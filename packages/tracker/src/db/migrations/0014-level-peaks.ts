import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 12, storage quotas: each backend's highest and lowest storage level since the budget evaluator last
 * consumed them, kept by every batch that changes the level, in its transaction (the batch holds the row).
 * level_high/level_low are null when nothing changed the level since; level_low_after_high is 1 when the
 * lowest was reached after the highest (the order the evaluator judges them in). Existing rows start empty:
 * the first evaluation after the migration judges the level it reads, as before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const bigint = isPostgres(db) ? 'bigint' : 'integer';
  await db.schema.alterTable('backend_state').addColumn('level_high', bigint).execute();
  await db.schema.alterTable('backend_state').addColumn('level_low', bigint).execute();
  await db.schema
    .alterTable('backend_state')
    .addColumn('level_low_after_high', 'smallint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backend_state').dropColumn('level_low_after_high').execute();
  await db.schema.alterTable('backend_state').dropColumn('level_low').execute();
  await db.schema.alterTable('backend_state').dropColumn('level_high').execute();
}
