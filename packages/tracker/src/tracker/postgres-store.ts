import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate.js';
import { openPostgres } from '../db/open-postgres.js';
import { KyselyRunner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { CommitFeed } from '../feed/commit-feed.js';
import type { BackendRow } from '../query/backends.js';
import type { TrackerStore } from './store.js';

/**
 * A tracker's PostgreSQL database: a small pool, its runner, and the migration every write and read
 * waits for. Opening connects nothing synchronously, so recording works at once. Kysely's migrator takes
 * a PostgreSQL advisory lock, so several processes opening one new database migrate it once.
 */
export class PostgresStore implements TrackerStore {
  readonly db: Kysely<Database>;
  readonly runner: KyselyRunner;
  readonly syncRunner = null;
  readonly ready: Promise<void>;
  readonly storedBackends: readonly BackendRow[] = [];
  /** The live feeds' commit log; its LISTEN connection opens on the first feed read. */
  readonly commitFeed: CommitFeed;
  private migratedHere = false;

  constructor(readonly url: string) {
    const { db, pool } = openPostgres(url);
    this.db = db;
    this.commitFeed = new CommitFeed(url);
    this.runner = new KyselyRunner(db, pool);
    this.ready = migrateToLatest(this.db).then(({ error }) => {
      if (error) throw error;
      this.migratedHere = true;
    });
    this.ready.catch(() => {});
  }

  get migrated(): boolean {
    return this.migratedHere;
  }

  /** Never: nothing can wait for a network answer on the exit hook's stack (see tracker/exit-write.ts). */
  get writableNow(): boolean {
    return false;
  }

  /** Nothing to end: a migration left half done is rolled back by the server when the connection drops. */
  abandonMigration(): void {}

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await this.commitFeed.close();
    await this.db.destroy();
  }
}
