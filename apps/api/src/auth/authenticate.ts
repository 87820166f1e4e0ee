import { type ApiScope, hasScope } from '@bytemeter/tracker';
import { apiError } from '../errors.js';
import type { TokenLookup } from './token-cache.js';

/** Who is calling: the token's id and scopes, or open access (no token exists yet, loopback only). */
export interface AuthInfo {
  tokenId: number | null;
  scopes: readonly ApiScope[];
}

/** Checks a request's credentials; rejects with UNAUTHENTICATED. */
export type Authenticate = (authorization: string | null | undefined) => Promise<AuthInfo>;

const OPEN: AuthInfo = { tokenId: null, scopes: ['admin'] };

/**
 * Bearer tokens against the token store. The mode is fixed when the server starts:
 * - `requireToken` (a server bound to a non-loopback address): every request needs a valid token, always.
 *   Revoking the last token leaves the server refusing everything until a new token exists; it never
 *   falls back to open access while running.
 * - otherwise (loopback): while no token exists everything is open; once one exists, every request needs
 *   a valid one.
 * @example const auth = await tokenAuthenticator(store, { requireToken: true })('Bearer bm_…')
 */
export function tokenAuthenticator(store: TokenLookup, options: { requireToken?: boolean } = {}): Authenticate {
  const requireToken = options.requireToken ?? false;
  const open = async () => !requireToken && !(await store.hasTokens());
  return async (authorization) => {
    const secret = bearerSecret(authorization);
    if (secret === null) {
      if (await open()) return OPEN;
      throw apiError('UNAUTHENTICATED', 'This API needs a token: send `Authorization: Bearer <token>`.');
    }
    const token = await store.verify(secret);
    if (!token) {
      if (await open()) return OPEN;
      throw apiError('UNAUTHENTICATED', 'The bearer token is unknown or revoked.');
    }
    return { tokenId: token.id, scopes: token.scopes };
  };
}

function bearerSecret(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw apiError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <token>`.');
  return match[1]!;
}

/**
 * Throws FORBIDDEN unless the caller holds `scope` (`admin` implies every scope).
 * @example requireScope(ctx.auth, 'ingest')
 */
export function requireScope(auth: AuthInfo, scope: ApiScope): void {
  if (!hasScope(auth.scopes, scope)) {
    throw apiError('FORBIDDEN', `This token lacks the "${scope}" scope.`, { requiredScope: scope });
  }
}
