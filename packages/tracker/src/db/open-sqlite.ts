import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type Kysely as KyselyDb, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { Database as Schema } from './schema.js';

export interface OpenedSqlite {
  sqlite: Database.Database;
  db: Kysely<Schema>;
}

/**
 * Opens (and creates) a SQLite file set up for several writers: WAL, a busy timeout, NORMAL sync
 * (durable at every checkpoint, never corrupt; an OS crash can lose the last commits, a process crash none).
 */
export function openSqlite(path: string, busyTimeoutMs: number): OpenedSqlite {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { timeout: busyTimeoutMs });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Schema>({ dialect: new LockingSqliteDialect({ database: sqlite }) });
  return { sqlite, db };
}

/**
 * Kysely takes no migration lock on SQLite (it assumes one connection), so two processes opening a fresh
 * file would both create the tables. Holding the write lock (BEGIN IMMEDIATE) for the whole migration makes
 * the second wait, then find the schema already there. (Trackers in one process migrate one at a time, see
 * tracker.ts: a synchronous driver waiting on its own process's lock would never see it released.)
 */
class LockingSqliteAdapter extends SqliteAdapter {
  override async acquireMigrationLock(db: KyselyDb<any>): Promise<void> {
    await sql`begin immediate`.execute(db);
  }

  override async releaseMigrationLock(db: KyselyDb<any>): Promise<void> {
    await sql`commit`.execute(db);
  }
}

class LockingSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new LockingSqliteAdapter();
  }
}
