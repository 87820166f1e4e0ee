import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { TokenStore } from '@bytemeter/tracker';

/** The two TokenStore reads the authenticator makes on every request. */
export type TokenLookup = Pick<TokenStore, 'hasTokens' | 'verify'>;

/**
 * Longest a cached answer is trusted even when the database looks unchanged (the SQLite file's stat, or
 * on PostgreSQL the token notifications, see TokenStore.changeProbe): the bound when a change goes unseen.
 */
export const TOKEN_CACHE_MAX_AGE_MS = 1000;

/** Distinct secrets remembered at most; the cache starts over when full (a flood of bad secrets). */
const MAX_SECRETS = 1000;

/**
 * A fingerprint of a SQLite database in WAL mode (the WAL's inode, size and mtime, sub-ms): any commit,
 * from this process or another (`bytemeter token revoke`), changes it. One stat call, a few µs, where a
 * token query costs about a hundred.
 * @example const probe = sqliteChangeProbe('/data/tracker.db'); if (probe() !== seen) reload()
 */
export function sqliteChangeProbe(dbPath: string): () => string {
  const wal = `${dbPath}-wal`;
  // In WAL mode every commit lands in the WAL first (a checkpoint only copies it into the main file, and
  // the next commit rewrites the WAL); without a WAL (closed by its last connection), the main file.
  return () => {
    const s = statSync(wal, { throwIfNoEntry: false }) ?? statSync(dbPath, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '-';
  };
}

/**
 * Token answers (do any exist, who a secret is) reused while the database is unchanged, so a request does
 * not query SQLite (and compile a Kysely query) just to learn that nothing changed.
 *
 * Security bound: every answer is re-read after any commit to the database file or its WAL (a create or
 * revoke, from any process), and in any case after TOKEN_CACHE_MAX_AGE_MS. The age bound covers the one
 * case the fingerprint can miss: a commit that rewrites the WAL from its start, at the same size, within
 * the filesystem's timestamp tick of the previous one. So a revoked token stops working at the next request
 * after the revoke commits, and at worst 1 s later; the first token created ends open access likewise.
 * @example const lookup = cachedTokenLookup(store, sqliteChangeProbe(dbPath)); await lookup.hasTokens()
 */
export function cachedTokenLookup(
  store: TokenLookup,
  probe: () => string,
  options: { maxAgeMs?: number; now?: () => number } = {},
): TokenLookup {
  const maxAgeMs = options.maxAgeMs ?? TOKEN_CACHE_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let version = '';
  let readAt = Number.NEGATIVE_INFINITY;
  /** Bumped at each reset: an answer read across a reset is returned but not kept. */
  let generation = 0;
  let hasTokens: boolean | undefined;
  const secrets = new Map<string, Awaited<ReturnType<TokenStore['verify']>>>();
  const fresh = () => {
    const current = probe();
    const t = now();
    if (current !== version || t - readAt >= maxAgeMs) {
      version = current;
      readAt = t;
      generation++;
      hasTokens = undefined;
      secrets.clear();
    }
  };
  return {
    async hasTokens() {
      fresh();
      if (hasTokens !== undefined) return hasTokens;
      const seen = generation;
      const answer = await store.hasTokens();
      if (generation === seen) hasTokens = answer;
      return answer;
    },
    async verify(secret) {
      fresh();
      // Keyed by a digest, so the process never keeps a bearer secret in memory past its request.
      const key = createHash('sha256').update(secret, 'utf8').digest('base64');
      if (secrets.has(key)) return secrets.get(key) ?? null;
      const seen = generation;
      const token = await store.verify(secret);
      if (generation === seen) {
        if (secrets.size >= MAX_SECRETS) secrets.clear();
        secrets.set(key, token);
      }
      return token;
    },
  };
}
