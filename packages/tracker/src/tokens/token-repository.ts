import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { pgNotify } from '../db/pg-notify.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { shapedQuery } from '../query/query-shapes.js';
import { toIso } from '../time/zone.js';
import { type ApiScope, type ApiToken, hashTokenSecret, newTokenSecret, parseScopes } from './api-token.js';

const MAX_NAME = 200;

/**
 * The PostgreSQL channel a token create or revoke notifies at its commit, so every API replica drops its
 * cached token answers at once instead of at their age bound.
 */
export const TOKENS_CHANNEL = 'bytemeter_tokens';

function* notifyTokensChanged(db: Kysely<Database>): Plan<void> {
  if (isPostgres(db)) yield* pgNotify(TOKENS_CHANNEL, '');
}

function toApiToken(row: {
  id: number;
  name: string | null;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
}): ApiToken {
  return {
    id: Number(row.id),
    name: row.name,
    scopes: parseScopes(row.scopes),
    createdAt: toIso(Number(row.created_at)),
    revokedAt: row.revoked_at === null ? null : toIso(Number(row.revoked_at)),
  };
}

/** Stores a new token's hash and returns the token with its secret, which is never stored or shown again. */
export function* createApiTokenPlan(
  db: Kysely<Database>,
  input: { scopes: readonly string[] | string; name?: string | undefined },
  now: number,
): Plan<ApiToken & { secret: string }> {
  const scopes = parseScopes(input.scopes);
  const name = input.name ?? null;
  if (name !== null && (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME)) {
    throw new ValidationError('INVALID_OPTION', `A token name must be 1 to ${MAX_NAME} characters.`);
  }
  const secret = newTokenSecret();
  const [row] = yield* exec(
    db
      .insertInto('api_tokens')
      .values({ name, token_hash: hashTokenSecret(secret), scopes: scopes.join(','), created_at: now })
      .returning(['id', 'name', 'scopes', 'created_at', 'revoked_at']),
  );
  yield* notifyTokensChanged(db);
  return { ...toApiToken(row!), secret };
}

/** Every token, revoked ones included, oldest first. */
export function* listApiTokensPlan(db: Kysely<Database>): Plan<ApiToken[]> {
  const rows = yield* exec(
    db.selectFrom('api_tokens').select(['id', 'name', 'scopes', 'created_at', 'revoked_at']).orderBy('id'),
  );
  return rows.map(toApiToken);
}

/** Revokes a token; false when no active token has that id. */
export function* revokeApiTokenPlan(db: Kysely<Database>, id: number, now: number): Plan<boolean> {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationError('INVALID_OPTION', `A token id is a positive integer; got ${id}.`);
  const rows = yield* exec(
    db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id'),
  );
  if (rows.length > 0) yield* notifyTokensChanged(db);
  return rows.length > 0;
}

/**
 * The scopes of an active token with this secret, or null. Compiled once (query-shapes): the API re-reads
 * tokens after every commit to the file, so under ingest this runs once per request.
 */
export function* verifyApiTokenPlan(
  db: Kysely<Database>,
  secret: string,
): Plan<{ id: number; scopes: ApiScope[] } | null> {
  const [row] = yield* exec(
    shapedQuery(db, 'tokens:verify', [hashTokenSecret(secret)], (v) =>
      db
        .selectFrom('api_tokens')
        .select(['id', 'scopes'])
        .where('token_hash', '=', v(0))
        .where('revoked_at', 'is', null),
    ),
  );
  return row ? { id: Number(row.id), scopes: parseScopes(row.scopes) } : null;
}

/** Whether any token is active: once one is, every API request needs a token. Compiled once, as verify. */
export function* hasActiveApiTokensPlan(db: Kysely<Database>): Plan<boolean> {
  const rows = yield* exec(
    shapedQuery(db, 'tokens:any-active', [], () =>
      db.selectFrom('api_tokens').select('id').where('revoked_at', 'is', null).limit(1),
    ),
  );
  return rows.length > 0;
}
