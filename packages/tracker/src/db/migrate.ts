import type { Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-api-tokens.js';
import * as m0003 from './migrations/0003-resource-totals.js';
import * as m0004 from './migrations/0004-event-keys.js';
import * as m0005 from './migrations/0005-pricing.js';
import * as m0006 from './migrations/0006-budgets.js';
import * as m0008 from './migrations/0008-keys-once.js';
import * as m0009 from './migrations/0009-events-key-with-backend.js';
import * as m0010 from './migrations/0010-total-slots.js';
import * as m0011 from './migrations/0011-commit-log-and-revisions.js';
import * as m0012 from './migrations/0012-webhook-refuse-private.js';
import * as m0013 from './migrations/0013-backend-totals.js';
import * as m0014 from './migrations/0014-level-peaks.js';

const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-api-tokens': m0002,
  '0003-resource-totals': m0003,
  '0004-event-keys': m0004,
  '0005-pricing': m0005,
  '0006-budgets': m0006,
  '0008-keys-once': m0008,
  '0009-events-key-with-backend': m0009,
  '0010-total-slots': m0010,
  '0011-commit-log-and-revisions': m0011,
  '0012-webhook-refuse-private': m0012,
  '0013-backend-totals': m0013,
  '0014-level-peaks': m0014,
};

/** Names of every migration, oldest first: a database that recorded them all is at the newest schema. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

/**
 * Brings a database to the newest schema; the one entry point for the tracker, the CLI, the API and tests.
 * Returns Kysely's result set rather than throwing, so a caller can report which migration failed.
 * @example const { error } = await migrateToLatest(db); if (error) throw error;
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return migrator(db).migrateToLatest();
}

/**
 * Brings a database up (or down) to the named migration: for tests of a migration on data written by the
 * schema before it.
 * @example await migrateTo(db, '0003-resource-totals')
 */
export async function migrateTo(db: Kysely<any>, name: string): Promise<MigrationResultSet> {
  return migrator(db).migrateTo(name);
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'bytemeter_migration',
    migrationLockTableName: 'bytemeter_migration_lock',
    // Migration numbers are handed out to work done in parallel and may land out of order (0006 after
    // 0008): a database already past a later one still gets an earlier one it lacks. Each migration only
    // adds its own tables and columns, so the order between such siblings does not matter.
    allowUnorderedMigrations: true,
  });
}
