import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { DIALECTS, type StoreOptions, testStores } from './support/stores.js';

// Migration 0011 on budgets stored before it: a budget's revision start is its creation for a first
// revision, else its last update (at or after the revision began: fewer backfill months, the safe side).

const BEFORE_0011 = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0011-commit-log-and-revisions') - 1]!;

function openDb(store: StoreOptions): { db: Kysely<any>; close: () => Promise<void> } {
  const { db } = store.databaseUrl ? openPostgres(store.databaseUrl) : openSqlite(store.path!, 5000);
  return { db, close: () => db.destroy() };
}

describe.each(DIALECTS)('migration 0011 (%s)', (dialect) => {
  const newStore = testStores(dialect, 'migration-0011');

  it('gives stored budgets a revision start, and the new tables and columns', async () => {
    const { db, close } = openDb(await newStore('budgets'));
    try {
      expect((await migrateTo(db, BEFORE_0011)).error).toBeUndefined();
      const budget = (id: string, revision: number, created: number, updated: number) =>
        sql`insert into budgets (id, name, backend, metric, limit_value, timezone, thresholds, alert_on_forecast,
          webhook_url, webhook_secret, revision, created_at, updated_at)
          values (${id}, ${id}, null, 'api_calls', 10, 'UTC', '[100]', 0, null, null, ${revision}, ${created}, ${updated})`.execute(
          db,
        );
      await budget('first', 1, 1_000, 5_000);
      await budget('redefined', 3, 1_000, 7_000);
      expect((await migrateToLatest(db)).error).toBeUndefined();
      const rows = await db
        .selectFrom('budgets')
        .select(['id', 'revised_at', 'previous_webhook_secret', 'previous_secret_until'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.id, Number(r.revised_at), r.previous_webhook_secret, r.previous_secret_until])).toEqual(
        [
          ['first', 1_000, null, null],
          ['redefined', 7_000, null, null],
        ],
      );
      expect(await db.selectFrom('event_commits').selectAll().execute()).toEqual([]);
    } finally {
      await close();
    }
  });
});
