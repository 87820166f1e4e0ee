import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
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
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { sqlite, db };
}
