import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import * as m0001 from '../src/db/migrations/0001-initial.js';
import * as m0002 from '../src/db/migrations/0002-api-tokens.js';
import * as m0003 from '../src/db/migrations/0003-resource-totals.js';
import * as m0004 from '../src/db/migrations/0004-event-keys.js';
import * as m0005 from '../src/db/migrations/0005-pricing.js';
import * as m0008 from '../src/db/migrations/0008-keys-once.js';

// Migration numbers land out of order (0006-budgets after 0008-keys-once): a database migrated before
// 0006 existed, already past 0008, still gets 0006.

it('a database already at 0008 without 0006 gets 0006 on the next migration', async () => {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  const before = new Migrator({
    db,
    provider: {
      getMigrations: async () => ({
        '0001-initial': m0001,
        '0002-api-tokens': m0002,
        '0003-resource-totals': m0003,
        '0004-event-keys': m0004,
        '0005-pricing': m0005,
        '0008-keys-once': m0008,
      }),
    },
    migrationTableName: 'bytemeter_migration',
    migrationLockTableName: 'bytemeter_migration_lock',
  });
  expect((await before.migrateToLatest()).error).toBeUndefined();
  const { error, results } = await migrateToLatest(db);
  expect(error).toBeUndefined();
  // 0006 runs now, then whatever came after 0008 (0009 and later), each once.
  const ran = results?.map((r) => [r.migrationName, r.status]) ?? [];
  expect(ran[0]).toEqual(['0006-budgets', 'Success']);
  expect(ran.slice(1).every(([name, status]) => name! > '0008' && status === 'Success')).toBe(true);
  const tables = await db.selectFrom('sqlite_master').select('name').where('name', '=', 'budget_alerts').execute();
  expect(tables).toHaveLength(1);
  await db.destroy();
});
