import type { Kysely } from 'kysely';
import type { Runner, SyncRunner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { BackendRow } from '../query/backends.js';

/**
 * Where a tracker keeps its data: a SQLite file (lifecycle.ts) or a PostgreSQL database
 * (postgres-store.ts). Both run the same plans and migrations; only SQLite can also run a plan
 * synchronously (`syncRunner`), which the exit hook and the recording-time check of a backdated level
 * report use.
 */
export interface TrackerStore {
  readonly db: Kysely<Database>;
  readonly runner: Runner;
  /** The same runner when it can finish a plan on the caller's stack (SQLite), else null. */
  readonly syncRunner: SyncRunner | null;
  /** Resolves once the schema is migrated; rejects with the migration's error. */
  readonly ready: Promise<void>;
  /** Backends read when the store was opened, synchronously (SQLite); PostgreSQL reads them after `ready`. */
  readonly storedBackends: readonly BackendRow[];
  /** The migration has finished in this process: the schema is there to read. */
  readonly migrated: boolean;
  /** A synchronous write may run now (the process is exiting). */
  readonly writableNow: boolean;
  /** At exit only: ends a migration this process left half done. */
  abandonMigration(): void;
  /** Waits for the migration (whatever its outcome) and closes the connection(s). */
  close(): Promise<void>;
}
