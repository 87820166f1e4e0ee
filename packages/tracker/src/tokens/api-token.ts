import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';

/** What a token may do: `read` queries and subscribes, `ingest` records, `admin` implies both. */
export type ApiScope = 'read' | 'ingest' | 'admin';
export const API_SCOPES: readonly ApiScope[] = ['read', 'ingest', 'admin'];

/** A stored token as listed: never its secret, which is shown once at creation. */
export interface ApiToken {
  id: number;
  name: string | null;
  scopes: ApiScope[];
  createdAt: string;
  revokedAt: string | null;
}

/** Prefix that makes a bytemeter secret recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'bm_';

/** A new high-entropy secret: 32 random bytes, base64url. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** sha-256 hex of a secret; a fast hash is enough because secrets carry 256 bits of entropy. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Parses a scope list ("read,ingest" or an array); throws ValidationError INVALID_SCOPE.
 * @example parseScopes('read,ingest') // ['read', 'ingest']
 */
export function parseScopes(input: string | readonly string[]): ApiScope[] {
  const parts = (typeof input === 'string' ? input.split(',') : [...input]).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0)
    throw new ValidationError('INVALID_SCOPE', `Give at least one scope of ${API_SCOPES.join(', ')}.`);
  const out = new Set<ApiScope>();
  for (const part of parts) {
    if (!API_SCOPES.includes(part as ApiScope)) {
      throw new ValidationError('INVALID_SCOPE', `Unknown scope "${part}"; scopes are ${API_SCOPES.join(', ')}.`);
    }
    out.add(part as ApiScope);
  }
  return API_SCOPES.filter((s) => out.has(s));
}

/**
 * Whether granted scopes allow `needed`; `admin` implies every scope.
 * @example hasScope(['admin'], 'ingest') // true
 */
export function hasScope(granted: readonly ApiScope[], needed: ApiScope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}
