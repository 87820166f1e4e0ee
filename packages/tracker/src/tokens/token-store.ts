import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate.js';
import { openPostgres, redactUrl } from '../db/open-postgres.js';
import { openSqlite } from '../db/open-sqlite.js';
import { PgListener } from '../db/pg-listener.js';
import { KyselyRunner, type Runner, SqliteRunner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { defaultDatabasePath, resolveDatabaseUrl } from '../tracker/options.js';
import type { ApiScope, ApiToken } from './api-token.js';
import {
  createApiTokenPlan,
  hasActiveApiTokensPlan,
  listApiTokensPlan,
  revokeApiTokenPlan,
  TOKENS_CHANNEL,
  verifyApiTokenPlan,
} from './token-repository.js';

/** Connections of a token store on PostgreSQL: token reads are one indexed row each. */
const POSTGRES_POOL = 2;

/**
 * API tokens in a bytemeter database: the same SQLite file or PostgreSQL database as the usage data, so
 * every API process on that database (replicas behind a load balancer) shares them. Open with
 * openTokenStore().
 */
export class TokenStore {
  private constructor(
    private readonly db: Kysely<Database>,
    private readonly runner: Runner,
    private readonly clock: () => number,
    /** The SQLite file, or null on PostgreSQL. */
    readonly path: string | null,
    /** Where the tokens live: the file, or the PostgreSQL URL with its password hidden. */
    readonly location: string,
    /** The PostgreSQL URL (with its password), null on SQLite. */
    private readonly url: string | null,
  ) {}

  private closed = false;
  /** PostgreSQL: the connection that hears token changes from every process, opened by changeProbe(). */
  private listener: PgListener | null = null;
  private changes = 0;
  private unheard = 0;

  /** @internal use openTokenStore() */
  static async open(options: { path: string; databaseUrl: string | null; clock: () => number }): Promise<TokenStore> {
    const { path, databaseUrl, clock } = options;
    let store: TokenStore;
    if (databaseUrl) {
      const { db } = openPostgres(databaseUrl, POSTGRES_POOL);
      store = new TokenStore(db, new KyselyRunner(db), clock, null, redactUrl(databaseUrl), databaseUrl);
    } else {
      const { sqlite, db } = openSqlite(path, 5000);
      store = new TokenStore(db, new SqliteRunner(sqlite), clock, path, path, null);
    }
    const { error } = await migrateToLatest(store.db);
    if (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Creates a token; the returned `secret` is shown once and only its hash is kept. */
  create(input: {
    scopes: readonly string[] | string;
    name?: string | undefined;
  }): Promise<ApiToken & { secret: string }> {
    return this.runner.write(() => createApiTokenPlan(this.db, input, this.clock()));
  }

  list(): Promise<ApiToken[]> {
    return this.runner.read(() => listApiTokensPlan(this.db));
  }

  /** Revokes a token at once; false when no active token has that id. */
  revoke(id: number): Promise<boolean> {
    return this.runner.write(() => revokeApiTokenPlan(this.db, id, this.clock()));
  }

  /** Scopes of the active token with this secret, else null: one indexed lookup. */
  verify(secret: string): Promise<{ id: number; scopes: ApiScope[] } | null> {
    return this.runner.read(() => verifyApiTokenPlan(this.db, secret));
  }

  /** Whether any active token exists (then every request must carry one). */
  hasTokens(): Promise<boolean> {
    return this.runner.read(() => hasActiveApiTokensPlan(this.db));
  }

  /**
   * PostgreSQL: a fingerprint of the token table that changes as soon as any process creates or revokes
   * a token (their transactions notify TOKENS_CHANNEL, heard on one LISTEN connection opened on the first
   * call). While that connection is not open, every call returns a new value: nothing may be cached then.
   * Null on SQLite, where the file itself tells of a change (the API stats it).
   * @example const probe = store.changeProbe(); if (probe && probe() !== seen) reload()
   */
  changeProbe(): (() => string) | null {
    const url = this.url;
    if (url === null) return null;
    this.listener ??= new PgListener(url, TOKENS_CHANNEL, () => {
      this.changes++;
    });
    const listener = this.listener;
    return () => {
      if (listener.listening) return `${listener.generation}:${this.changes}`;
      if (!this.closed) listener.ready().catch(() => {});
      this.unheard++;
      return `unheard:${this.unheard}`;
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.close();
    await this.db.destroy();
  }
}

/**
 * Opens the token table of a bytemeter database, migrating it if needed: PostgreSQL with `databaseUrl`
 * (default $BYTEMETER_DATABASE_URL), else the SQLite file at `path` (default $BYTEMETER_DB, else
 * ~/.bytemeter/tracker.db; `databaseFromEnv: false` reads neither variable). The same choice
 * openResourceTracker makes, so tokens live beside the usage.
 * @example const store = await openTokenStore(); const { secret } = await store.create({ scopes: 'read' })
 */
export async function openTokenStore(
  options: { path?: string; databaseUrl?: string; databaseFromEnv?: boolean; clock?: () => number } = {},
): Promise<TokenStore> {
  const fromEnv = options.databaseFromEnv ?? true;
  return TokenStore.open({
    path: options.path ?? defaultDatabasePath(fromEnv ? process.env : {}),
    databaseUrl: resolveDatabaseUrl(options.databaseUrl, fromEnv),
    clock: options.clock ?? Date.now,
  });
}
