import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { MIGRATION_NAMES, migrateToLatest } from '../db/migrate.js';
import { openSqlite } from '../db/open-sqlite.js';
import { SqliteRunner, type SyncRunner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { type BackendRow, loadBackends } from '../query/backends.js';
import type { TrackerStore } from './store.js';

/** One migration at a time per file in this process (the file lock orders processes; see open-sqlite.ts). */
const migrations = new Map<string, Promise<void>>();

/**
 * A tracker's open SQLite file: the connection, its runner, and the migration every write and read waits
 * for. Opening is synchronous so that recording works at once; the migration runs in the background.
 */
export class TrackerFile implements TrackerStore {
  readonly db: Kysely<Database>;
  readonly runner: SyncRunner;
  readonly syncRunner: SyncRunner;
  /** The connection itself: per-connection settings (tests set `max_page_count` to make the disk full). */
  readonly sqlite: BetterSqlite3.Database;
  /** Resolves once the schema is migrated; rejects with the migration's error. */
  readonly ready: Promise<void>;
  /** Backends already stored when the file was opened (none for a new file). */
  readonly storedBackends: readonly BackendRow[] = [];
  /** The file was already at the newest schema when opened, so the exit hook may write before `ready`. */
  private readonly schemaCurrent: boolean = false;
  private migratedHere = false;

  constructor(
    readonly path: string,
    readonly busyTimeoutMs: number,
  ) {
    const { sqlite, db } = openSqlite(path, busyTimeoutMs);
    this.sqlite = sqlite;
    this.db = db;
    this.runner = new SqliteRunner(sqlite);
    this.syncRunner = this.runner;
    // A file that already has the schema answers at once, so the first record can check names and levels.
    if (sqlite.prepare("select 1 from sqlite_master where name = 'backend_state'").get()) {
      this.storedBackends = this.runner.readSync(() => loadBackends(db));
      const applied = sqlite.prepare('select name from bytemeter_migration').pluck().all() as string[];
      this.schemaCurrent = MIGRATION_NAMES.every((name) => applied.includes(name));
    }
    const before = migrations.get(path) ?? Promise.resolve();
    this.ready = before.then(() =>
      migrateToLatest(db).then(({ error }) => {
        if (error) throw error;
        this.migratedHere = true;
      }),
    );
    migrations.set(
      path,
      this.ready.catch(() => {}),
    );
    this.ready.catch(() => {});
  }

  /** The migration has finished in this process: the schema is there to read. */
  get migrated(): boolean {
    return this.migratedHere;
  }

  /** A synchronous write may run now (at exit, a script may end before the migration check resolved). */
  get writableNow(): boolean {
    return this.migratedHere || this.schemaCurrent;
  }

  /**
   * At exit only: ends a migration this process left half done (its transaction rolls back), so another
   * process can take the file's write lock and migrate it whole.
   */
  abandonMigration(): void {
    if (this.sqlite.inTransaction) this.sqlite.exec('rollback');
  }

  /** Waits for the migration (whatever its outcome) and closes the connection. */
  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await this.db.destroy();
  }
}

/** What the process exit hooks need of an open tracker. */
export interface ExitFlushable {
  /** Events recorded and not yet written, oldest first (a failed write puts its events back in front). */
  readonly pending: readonly object[];
  /** Starts a flush whose result no caller reads (kept for the next flush(), warned if it fails). */
  flush(): void;
  flushSyncOnExit(): void;
}

const openTrackers = new Set<ExitFlushable>();
let exitHooksInstalled = false;

/** Flushes this tracker when the process ends, until `forgetAtExit`. */
export function flushAtExit(tracker: ExitFlushable): void {
  openTrackers.add(tracker);
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // beforeExit lets async flushes finish; exit is the last chance and must be synchronous. A flush's
  // network answer brings beforeExit back: a tracker whose pending events did not change since its last
  // flush here (it wrote none, none were recorded) is not flushed again, or a write that keeps failing
  // (PostgreSQL refusing it) would keep the process alive for ever. The exit hook then tries once more.
  // "Did not change" is the same oldest event and the same count: a count alone would also match events
  // recorded later, after that flush wrote as many (the app kept the loop busy), and leave them to the
  // exit hook.
  const whenTried = new WeakMap<ExitFlushable, { oldest: object; count: number }>();
  process.on('beforeExit', () => {
    for (const t of openTrackers) {
      const { pending } = t;
      const oldest = pending[0];
      if (oldest === undefined) continue;
      const tried = whenTried.get(t);
      if (tried?.oldest === oldest && tried.count === pending.length) continue;
      whenTried.set(t, { oldest, count: pending.length });
      t.flush();
    }
  });
  process.on('exit', () => {
    for (const t of openTrackers) t.flushSyncOnExit();
  });
}

export function forgetAtExit(tracker: ExitFlushable): void {
  openTrackers.delete(tracker);
}
