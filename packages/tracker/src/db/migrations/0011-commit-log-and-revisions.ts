import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 12 follow-ups.
 *
 * `event_commits`: on SQLite every write transaction that stores events appends one row (the earliest
 * event time it wrote and the ids of its backends), so another process's budget watcher learns exactly
 * what was committed, raw rows kept or not. SQLite's `events` rowid is reused once retention deletes the
 * newest rows, so an id watermark over events could miss a commit. Here the newest row is never deleted
 * (the writer prunes only rows thousands of seqs behind the one it appends), so the rowid (max + 1) is never
 * handed out twice without AUTOINCREMENT's extra sqlite_sequence write per commit. PostgreSQL notifies commits instead (LISTEN/NOTIFY); the table exists there
 * too, empty, so both schemas read alike.
 *
 * `budgets.revised_at`: when the budget's current definition began (creation, or the last setBudget that
 * changed what it measures or alerts on). A backfill evaluates only billing months that ended after it.
 * Existing budgets: created_at for a first revision; else updated_at (at or after the revision began: the
 * safe side, fewer past months).
 *
 * `budgets.previous_webhook_secret` / `previous_secret_until`: after a rotation, deliveries are signed with
 * the new and the old secret until then, so receivers switch at their own pace.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bigint = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('event_commits')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('min_ts', bigint, (c) => c.notNull())
    // Comma-separated backend ids, distinct.
    .addColumn('backend_ids', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('budgets')
    .addColumn('revised_at', bigint, (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update budgets set revised_at = case when revision = 1 then created_at else updated_at end`.execute(db);
  await db.schema.alterTable('budgets').addColumn('previous_webhook_secret', 'text').execute();
  await db.schema.alterTable('budgets').addColumn('previous_secret_until', bigint).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('budgets').dropColumn('previous_secret_until').execute();
  await db.schema.alterTable('budgets').dropColumn('previous_webhook_secret').execute();
  await db.schema.alterTable('budgets').dropColumn('revised_at').execute();
  await db.schema.dropTable('event_commits').execute();
}
