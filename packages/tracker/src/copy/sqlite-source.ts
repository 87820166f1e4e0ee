import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { migrateToLatest } from '../db/migrate.js';
import { openSqlite } from '../db/open-sqlite.js';
import { CopyError } from './copy-error.js';
import { type CopiedTable, decodeKey, type StoreDigest } from './copy-tables.js';

/**
 * The SQLite file a copy reads: one read transaction for the whole run, so every table is read from the
 * same snapshot even while an application keeps writing the file. Integers are read as BigInt, so no
 * value is rounded on its way to PostgreSQL.
 */
export class SqliteSource {
  private constructor(
    private readonly sqlite: Database.Database,
    /** When the file's schema was first created: what tells this file (and its copies) from another. */
    readonly origin: string,
  ) {}

  /**
   * Checks the file without changing it (exists, SQLite, bytemeter's tables): a bad source changes nothing.
   * Throws CopyError COPY_SOURCE_MISSING or COPY_SOURCE_NOT_BYTEMETER.
   */
  static probe(path: string): string {
    if (path === ':memory:' || !existsSync(path)) {
      throw new CopyError(
        'COPY_SOURCE_MISSING',
        `There is no SQLite file at ${path}: give the file to copy with --db.`,
      );
    }
    let origin: unknown;
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        const tables = new Set(
          db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[],
        );
        if (tables.has('bytemeter_migration') && tables.has('backends')) {
          origin = db.prepare("select timestamp from bytemeter_migration where name = '0001-initial'").pluck().get();
        }
      } finally {
        db.close();
      }
    } catch (error) {
      throw new CopyError(
        'COPY_SOURCE_NOT_BYTEMETER',
        `${path} is not a SQLite database: ${(error as Error).message}.`,
        {
          cause: error,
        },
      );
    }
    if (typeof origin !== 'string') {
      throw new CopyError('COPY_SOURCE_NOT_BYTEMETER', `${path} is a SQLite file but not a bytemeter database.`);
    }
    return origin;
  }

  /** Opens the file as every bytemeter command does (migrated to the newest schema) and starts the snapshot. */
  static async open(path: string, origin: string): Promise<SqliteSource> {
    const { sqlite, db } = openSqlite(path, 5000);
    const { error } = await migrateToLatest(db);
    if (error) {
      await db.destroy();
      throw error;
    }
    // A deferred transaction's snapshot starts at its first read, taken here at once.
    sqlite.exec('begin');
    sqlite.prepare('select count(*) from backends').get();
    return new SqliteSource(sqlite, origin);
  }

  /** Every table's aggregates (see COPIED_TABLES), exact, in this run's snapshot. */
  digest(tables: readonly CopiedTable[]): StoreDigest {
    const out: StoreDigest = {};
    for (const t of tables) {
      const row = this.sqlite
        .prepare(`select ${t.digest.join(', ')} from ${t.name}`)
        .safeIntegers(true)
        .raw(true)
        .get() as unknown[];
      out[t.name] = row.map((v) => (v === null ? 'null' : String(v)));
    }
    return out;
  }

  /**
   * Up to `limit` rows of a table after the key `after` (a stored marker; null from the start), in key
   * order, each as the values of `columns`, and the key of the last one.
   */
  chunk(
    table: CopiedTable,
    columns: readonly string[],
    after: string | null,
    limit: number,
  ): { rows: unknown[][]; last: unknown[] | null } {
    const keys = table.key.map((k) => k.column);
    // The key columns are selected last, so the marker is read off the same row.
    const select = [...columns, ...keys].join(', ');
    const where = after === null ? '' : `where (${keys.join(', ')}) > (${keys.map(() => '?').join(', ')})`;
    const statement = this.sqlite
      .prepare(`select ${select} from ${table.name} ${where} order by ${keys.join(', ')} limit ?`)
      .safeIntegers(true)
      .raw(true);
    const params = after === null ? [limit] : [...decodeKey(table, after), limit];
    const rows = statement.all(...params) as unknown[][];
    const lastRow = rows.at(-1);
    return {
      rows: rows.map((r) => r.slice(0, columns.length)),
      last: lastRow ? lastRow.slice(columns.length) : null,
    };
  }

  /** Ends the snapshot and closes the file. */
  close(): void {
    if (this.sqlite.inTransaction) this.sqlite.exec('commit');
    this.sqlite.close();
  }
}
