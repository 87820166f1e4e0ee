import { isPostgresUrl } from '../db/open-postgres.js';
import { ValidationError } from '../errors.js';
import { CopyError } from './copy-error.js';
import { COPIED_TABLES, type CopiedTable, encodeKey, rowsOf, type StoreDigest } from './copy-tables.js';
import { PostgresTarget, type TableProgress } from './postgres-target.js';
import { SqliteSource } from './sqlite-source.js';

/** Rows per chunk: each chunk and its marker are one PostgreSQL transaction. */
const DEFAULT_CHUNK_ROWS = 10_000;

export interface CopyStoreOptions {
  /** The SQLite file to read (it is migrated to the newest schema first, as any bytemeter command does). */
  from: string;
  /** The PostgreSQL database to fill: `postgres://user:pass@host:5432/db`; it must exist. */
  to: string;
  /** Rows per chunk (one transaction each). Default 10,000. */
  chunkRows?: number;
  /**
   * Called after every committed chunk. Throwing from it stops the copy there (the error is rethrown);
   * what was committed stays, and the next run resumes after it.
   */
  onProgress?: (progress: CopyProgress) => void;
  /** Stops the copy after the chunk being written (CopyError COPY_STOPPED); a new run resumes. */
  signal?: AbortSignal;
}

export interface CopyProgress {
  /** The table being copied. */
  table: string;
  /** Rows of every table copied so far, this run and earlier ones. */
  copied: number;
  /** Rows of every table to copy. */
  total: number;
}

export interface CopyResult {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL URL, password hidden. */
  to: string;
  /** Rows in each table of both stores once copied. */
  tables: Record<string, number>;
  /** Rows written by this run (0 when an earlier run had finished the copy). */
  copiedThisRun: number;
  /** This run continued a copy an earlier run began. */
  resumed: boolean;
  /** An earlier run had finished the copy; this one only checked it. */
  alreadyComplete: boolean;
  durationMs: number;
}

/**
 * Copies everything a bytemeter SQLite file holds into a PostgreSQL database: backends, API tokens
 * (hashes only: the secrets were never stored), raw events still retained, rollups of every grain,
 * idempotency keys, storage levels and all-time totals, so every read answers the same on both stores.
 * Resumable: each chunk commits with its marker, so a copy stopped at any point (even kill -9) continues
 * where it stopped when run again; a finished copy run again checks and changes nothing. The source is
 * read in one snapshot per run, and a resume refuses a file that changed since the copy began. Refuses
 * a target holding anything else. Ends by comparing counts and sums of every table on both stores.
 *
 * Throws ValidationError (INVALID_OPTION) for a bad option, CopyError for a source or target it refuses
 * (nothing changed) or a copy stopped half way.
 * @example const r = await copyStore({ from: 'usage.db', to: 'postgres://postgres@127.0.0.1/usage' }); console.log(r.tables.events)
 */
export async function copyStore(options: CopyStoreOptions): Promise<CopyResult> {
  const started = Date.now();
  const { from, to, onProgress, signal } = options;
  if (typeof to !== 'string' || !isPostgresUrl(to)) {
    throw new ValidationError(
      'INVALID_OPTION',
      `The target must be a postgres:// or postgresql:// URL; got ${JSON.stringify(to)}.`,
      'to',
    );
  }
  if (typeof from !== 'string' || from === '') {
    throw new ValidationError('INVALID_OPTION', 'The source must be the path of a SQLite file.', 'from');
  }
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 1_000_000) {
    throw new ValidationError(
      'INVALID_OPTION',
      `chunkRows must be an integer from 1 to 1,000,000; got ${chunkRows}.`,
      'chunkRows',
    );
  }
  const origin = SqliteSource.probe(from);
  const target = await PostgresTarget.connect(to);
  let source: SqliteSource | undefined;
  try {
    const found = await target.inspect();
    if (found.foreignTables.length > 0) {
      throw new CopyError(
        'COPY_TARGET_NOT_EMPTY',
        `${target.where} has tables bytemeter did not create (${found.foreignTables.join(', ')}): copy into an empty database.`,
      );
    }
    const sameSource = found.record?.origin === origin;
    if (found.holdsData && !sameSource) {
      const what = found.record ? `a copy of another SQLite file (${found.record.sourcePath})` : 'usage data';
      throw new CopyError(
        'COPY_TARGET_NOT_EMPTY',
        `${target.where} already holds ${what}: copy into an empty database (createdb a new one).`,
      );
    }
    source = await SqliteSource.open(from, origin);
    const digest = source.digest(COPIED_TABLES);
    const resumed = sameSource && found.holdsData;
    if (resumed && !sameDigest(found.record!.digest, digest)) {
      throw new CopyError(
        'COPY_SOURCE_CHANGED',
        `${from} changed since the copy into ${target.where} began (events were recorded or pruned): stop every writer of the file, then copy into a new empty database.`,
      );
    }
    await target.begin({ origin, path: from, digest }, !resumed);
    const progress = await target.progress();
    const alreadyComplete = resumed && found.record!.completed;
    const total = COPIED_TABLES.reduce((sum, t) => sum + rowsOf(digest[t.name]), 0);
    let copied = COPIED_TABLES.reduce((sum, t) => sum + (progress.get(t.name)?.rows ?? 0), 0);
    let copiedThisRun = 0;
    for (const table of COPIED_TABLES) {
      let state: TableProgress = progress.get(table.name) ?? { after: null, rows: 0, done: false };
      const columns = target.columns(table);
      while (!state.done) {
        if (signal?.aborted) {
          throw new CopyError(
            'COPY_STOPPED',
            `Stopped after ${copied} of ${total} rows; run the copy again to resume.`,
          );
        }
        const { rows, last } = source.chunk(table, columns, state.after, chunkRows);
        state = {
          after: last ? encodeKey(table, last) : state.after,
          rows: state.rows + rows.length,
          done: rows.length < chunkRows,
        };
        await target.writeChunk(table, rows, state);
        copied += rows.length;
        copiedThisRun += rows.length;
        onProgress?.({ table: table.name, copied, total });
      }
    }
    await target.advanceSequences();
    const after = await target.digest(COPIED_TABLES);
    const differing = COPIED_TABLES.filter((t) => !sameTable(after[t.name], digest[t.name]));
    if (differing.length > 0) {
      throw new CopyError(
        'COPY_MISMATCH',
        `After the copy, ${differing.map((t) => describe(t, digest, after)).join('; ')} differ between ${from} and ${target.where}. Was something else writing the PostgreSQL database?`,
      );
    }
    await target.markCompleted();
    return {
      from,
      to: target.where,
      tables: Object.fromEntries(COPIED_TABLES.map((t) => [t.name, rowsOf(digest[t.name])])),
      copiedThisRun,
      resumed,
      alreadyComplete,
      durationMs: Date.now() - started,
    };
  } finally {
    source?.close();
    await target.close();
  }
}

function sameTable(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameDigest(a: StoreDigest, b: StoreDigest): boolean {
  return COPIED_TABLES.every((t) => sameTable(a[t.name], b[t.name]));
}

function describe(table: CopiedTable, source: StoreDigest, target: StoreDigest): string {
  const pairs = table.digest.map((d, i) => `${d} ${source[table.name]?.[i]} → ${target[table.name]?.[i]}`);
  return `${table.name} (${pairs.join(', ')})`;
}
