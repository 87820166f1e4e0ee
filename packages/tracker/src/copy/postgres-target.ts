import { CompiledQuery, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { columnArrays, quoteIdent, unnestInsertSql } from '../db/insert-rows.js';
import { migrateToLatest } from '../db/migrate.js';
import { openPostgres, redactUrl } from '../db/open-postgres.js';
import { pgArrayParameter } from '../db/pg-array-literal.js';
import type { Database } from '../db/schema.js';
import { CopyError } from './copy-error.js';
import { COPIED_TABLES, type CopiedTable, SERIAL_TABLES, type StoreDigest } from './copy-tables.js';

/** A PostgreSQL server that does not answer within this is unreachable, not slow. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The copy this database is receiving or received, as recorded in it. */
export interface CopyRecord {
  origin: string;
  sourcePath: string;
  digest: StoreDigest;
  completed: boolean;
}

/** Where one table's copy stands: the last key committed (a marker) and the rows copied so far. */
export interface TableProgress {
  after: string | null;
  rows: number;
  done: boolean;
}

/** The PostgreSQL column types a chunk's arrays are cast to (the types the migrations create). */
const ARRAY_TYPES = new Set(['bigint', 'smallint', 'integer', 'text', 'bytea']);

/**
 * The PostgreSQL database a copy writes: a session that holds the copy lock (ended with the process, so a
 * copy killed half way frees it), and a pool with the tracker's exact integer parsing for the writes. The
 * copy's own bookkeeping (which source, which marker per table) lives in two tables beside the tracker's,
 * written in the same transaction as each chunk.
 */
export class PostgresTarget {
  private readonly columnsByTable = new Map<string, { names: string[]; types: string[] }>();

  private constructor(
    private readonly lock: pg.Client,
    readonly db: Kysely<Database>,
    readonly where: string,
  ) {}

  /**
   * Connects, takes the copy lock, and checks nothing else is written yet. Throws CopyError
   * COPY_TARGET_UNREACHABLE or COPY_IN_PROGRESS; changes nothing.
   */
  static async connect(url: string): Promise<PostgresTarget> {
    const where = redactUrl(url);
    const lock = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A server that goes away mid-copy fails the next query; the client must not crash the process first.
    lock.on('error', () => {});
    try {
      await lock.connect();
    } catch (error) {
      await lock.end().catch(() => {});
      throw new CopyError(
        'COPY_TARGET_UNREACHABLE',
        `Cannot connect to ${where}: ${(error as Error).message || String(error)}. Check the URL, that the server runs, and that the database exists (createdb).`,
        { cause: error },
      );
    }
    // A session lock, so two copies never interleave their chunks; the server frees it if this process dies.
    const { rows } = await lock.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(hashtext('bytemeter copy')) as locked`,
    );
    if (!rows[0]?.locked) {
      await lock.end().catch(() => {});
      throw new CopyError('COPY_IN_PROGRESS', `Another copy into ${where} is running; wait for it, or stop it.`);
    }
    return new PostgresTarget(lock, openPostgres(url, 2).db, where);
  }

  /**
   * What the database holds: the copy recorded in it, and whether any of the tracker's tables has rows
   * (or exists without bytemeter's migration table, so was made by something else).
   */
  async inspect(): Promise<{ record: CopyRecord | null; holdsData: boolean; foreignTables: string[] }> {
    const names = [...COPIED_TABLES.map((t) => t.name), 'bytemeter_migration', 'bytemeter_copy_source'];
    const { rows } = await this.lock.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = current_schema() and table_name = any($1)',
      [names],
    );
    const present = new Set(rows.map((r) => r.table_name));
    const ours = COPIED_TABLES.map((t) => t.name).filter((n) => present.has(n));
    const foreignTables = present.has('bytemeter_migration') ? [] : ours;
    let holdsData = false;
    for (const name of ours) {
      const result = await this.lock.query(`select 1 from ${name} limit 1`);
      if (result.rows.length > 0) holdsData = true;
    }
    let record: CopyRecord | null = null;
    if (present.has('bytemeter_copy_source')) {
      const r = await this.lock.query<{ origin: string; source_path: string; digest: string; completed: boolean }>(
        'select origin, source_path, digest, completed_at is not null as completed from bytemeter_copy_source',
      );
      const row = r.rows[0];
      if (row) {
        record = {
          origin: row.origin,
          sourcePath: row.source_path,
          digest: JSON.parse(row.digest) as StoreDigest,
          completed: row.completed,
        };
      }
    }
    return { record, holdsData, foreignTables };
  }

  /**
   * Brings the schema to the newest migration, creates the copy's bookkeeping, and records the source
   * (forgetting the markers of another, which copied nothing: inspect() found no data).
   */
  async begin(source: { origin: string; path: string; digest: StoreDigest }, fresh: boolean): Promise<void> {
    const { error } = await migrateToLatest(this.db);
    if (error) throw error;
    await sql`create table if not exists bytemeter_copy_source (
      only_row smallint primary key default 1 check (only_row = 1),
      origin text not null,
      source_path text not null,
      digest text not null,
      started_at timestamptz not null default now(),
      completed_at timestamptz
    )`.execute(this.db);
    await sql`create table if not exists bytemeter_copy_progress (
      table_name text primary key,
      after text,
      rows bigint not null,
      done boolean not null
    )`.execute(this.db);
    await this.db.transaction().execute(async (trx) => {
      if (fresh) {
        await sql`delete from bytemeter_copy_progress`.execute(trx);
        await sql`delete from bytemeter_copy_source`.execute(trx);
        await sql`insert into bytemeter_copy_source (origin, source_path, digest)
          values (${source.origin}, ${source.path}, ${JSON.stringify(source.digest)})`.execute(trx);
      } else {
        await sql`update bytemeter_copy_source set source_path = ${source.path}`.execute(trx);
      }
    });
    for (const t of COPIED_TABLES) {
      const { rows } = await this.lock.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
          where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
        [t.name],
      );
      for (const r of rows) {
        if (!ARRAY_TYPES.has(r.data_type))
          throw new Error(`Unexpected column type ${r.data_type} of ${t.name}.${r.column_name}.`);
      }
      this.columnsByTable.set(t.name, { names: rows.map((r) => r.column_name), types: rows.map((r) => r.data_type) });
    }
  }

  /** The columns of a table, as the target has them (both stores run the same migrations). */
  columns(table: CopiedTable): string[] {
    return this.columnsByTable.get(table.name)!.names;
  }

  /** Where each table's copy stands. */
  async progress(): Promise<Map<string, TableProgress>> {
    const { rows } = await sql<{ table_name: string; after: string | null; rows: number; done: boolean }>`
      select table_name, after, rows, done from bytemeter_copy_progress`.execute(this.db);
    return new Map(rows.map((r) => [r.table_name, { after: r.after, rows: Number(r.rows), done: r.done }]));
  }

  /**
   * Writes one chunk and its marker in one transaction: a copy stopped at any point has either both or
   * neither. Rows are upserted on their key (replaced, not added to), so writing a chunk twice changes
   * nothing. The rows travel as one array per column through `unnest` (one statement, no parameter limit).
   */
  async writeChunk(table: CopiedTable, rows: readonly unknown[][], progress: TableProgress): Promise<void> {
    const { names, types } = this.columnsByTable.get(table.name)!;
    const keys = table.key.map((k) => k.column);
    const updates = names.filter((n) => !keys.includes(n) && !table.conflict?.includes(n));
    const conflict =
      updates.length === 0
        ? 'do nothing'
        : `do update set ${updates.map((n) => `${quoteIdent(n)} = excluded.${quoteIdent(n)}`).join(', ')}`;
    const target = (table.conflict ?? keys).map(quoteIdent).join(', ');
    const insert = CompiledQuery.raw(
      unnestInsertSql(table.name, names, types, ` on conflict (${target}) ${conflict}`),
      columnArrays(names, rows).map((values, c) => pgArrayParameter(types[c]!, values.map(toParam))),
    );
    await this.db.transaction().execute(async (trx) => {
      // Safe without waiting for the WAL flush: a server crash that lost this commit loses its marker with
      // it, and the next run copies the chunk again.
      await sql`set local synchronous_commit = off`.execute(trx);
      if (rows.length > 0) await trx.executeQuery(insert);
      await sql`insert into bytemeter_copy_progress (table_name, after, rows, done)
        values (${table.name}, ${progress.after}, ${progress.rows}, ${progress.done})
        on conflict (table_name) do update set after = excluded.after, rows = excluded.rows, done = excluded.done`.execute(
        trx,
      );
    });
  }

  /**
   * Serial ids continue after the copied ones, so the first event written here gets a new id; for events,
   * also after every raw-row id a copied key still names (its row may be past the raw retention).
   */
  async advanceSequences(): Promise<void> {
    for (const { table, column } of SERIAL_TABLES) {
      const named =
        table === 'events' ? sql`, (select max(event_id) from event_keys where event_id is not null)` : sql``;
      await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(greatest((select max(${sql.ref(column)}) from ${sql.table(table)})${named}), 0) + 1, false)`.execute(
        this.db,
      );
    }
  }

  /** Every table's aggregates, as decimal text (sums of bigints are numerics: never rounded). */
  async digest(tables: readonly CopiedTable[]): Promise<StoreDigest> {
    const out: StoreDigest = {};
    for (const t of tables) {
      const select = t.digest.map((d, i) => `(${d})::text as d${i}`).join(', ');
      const { rows } = await this.lock.query<Record<string, string | null>>(`select ${select} from ${t.name}`);
      out[t.name] = t.digest.map((_, i) => rows[0]?.[`d${i}`] ?? 'null');
    }
    return out;
  }

  async markCompleted(): Promise<void> {
    await sql`update bytemeter_copy_source set completed_at = now()`.execute(this.db);
  }

  /** Frees the lock and every connection. */
  async close(): Promise<void> {
    await this.db.destroy().catch(() => {});
    await this.lock.end().catch(() => {});
  }
}

/** A value as pg sends it in an array: int64s as decimal text (exact), blobs as Buffers (pg writes \x hex). */
function toParam(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}
