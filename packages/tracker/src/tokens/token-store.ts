import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate.js';
import { openSqlite } from '../db/open-sqlite.js';
import { SqliteRunner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { defaultDatabasePath } from '../tracker.js';
import type { ApiScope, ApiToken } from './api-token.js';
import {
  createApiTokenPlan,
  hasActiveApiTokensPlan,
  listApiTokensPlan,
  revokeApiTokenPlan,
  verifyApiTokenPlan,
} from './token-repository.js';

/** API tokens in a bytemeter database (the same file as the usage data). Open with openTokenStore(). */
export class TokenStore {
  private constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly db: Kysely<Database>,
    private readonly runner: SqliteRunner,
    private readonly clock: () => number,
  ) {}

  /** @internal use openTokenStore() */
  static async open(path: string, clock: () => number): Promise<TokenStore> {
    const { sqlite, db } = openSqlite(path, 5000);
    const { error } = await migrateToLatest(db);
    if (error) {
      await db.destroy();
      throw error;
    }
    return new TokenStore(sqlite, db, new SqliteRunner(sqlite), clock);
  }

  /** Creates a token; the returned `secret` is shown once and only its hash is kept. */
  create(input: { scopes: readonly string[] | string; name?: string | undefined }): ApiToken & { secret: string } {
    return this.runner.writeSync(() => createApiTokenPlan(this.db, input, this.clock()));
  }

  list(): ApiToken[] {
    return this.runner.readSync(() => listApiTokensPlan(this.db));
  }

  /** Revokes a token at once; false when no active token has that id. */
  revoke(id: number): boolean {
    return this.runner.writeSync(() => revokeApiTokenPlan(this.db, id, this.clock()));
  }

  /** Scopes of the active token with this secret, else null. Synchronous: one indexed lookup. */
  verify(secret: string): { id: number; scopes: ApiScope[] } | null {
    return this.runner.readSync(() => verifyApiTokenPlan(this.db, secret));
  }

  /** Whether any active token exists (then every request must carry one). */
  hasTokens(): boolean {
    return this.runner.readSync(() => hasActiveApiTokensPlan(this.db));
  }

  async close(): Promise<void> {
    if (this.sqlite.open) await this.db.destroy();
  }
}

/**
 * Opens the token table of a bytemeter database (default $BYTEMETER_DB, else ~/.bytemeter/tracker.db),
 * migrating it if needed.
 * @example const store = await openTokenStore(); const { secret } = store.create({ scopes: 'read' })
 */
export function openTokenStore(options: { path?: string; clock?: () => number } = {}): Promise<TokenStore> {
  return TokenStore.open(options.path ?? defaultDatabasePath(), options.clock ?? Date.now);
}
