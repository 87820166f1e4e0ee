import { ValidationError } from '../errors.js';

/**
 * The backend a read is narrowed to. `backend` is the name the GraphQL API uses for the same argument;
 * `backendName` is its first spelling, still accepted so existing callers keep working.
 */
export interface BackendFilter {
  /** Only this backend, by name; an unknown name selects nothing. */
  backend?: string;
  /** @deprecated Use `backend`, the GraphQL argument's name. Same meaning. */
  backendName?: string;
}

/**
 * The query with its backend under `backend` only, whichever spelling the caller used; the plans read
 * `backend` alone. Throws ValidationError (INVALID_OPTION) when both spellings are given and differ.
 * @example withBackend({ backendName: 'photos', hoursBack: 1 }) // { hoursBack: 1, backend: 'photos' }
 */
export function withBackend<Q extends BackendFilter>(q: Q): Omit<Q, 'backendName'> {
  if (q === null || typeof q !== 'object' || q.backendName === undefined) return q;
  const { backendName, ...rest } = q;
  if (rest.backend !== undefined && rest.backend !== backendName) {
    throw new ValidationError(
      'INVALID_OPTION',
      `backend and backendName (its deprecated spelling) differ: "${rest.backend}" and "${backendName}".`,
    );
  }
  return { ...rest, backend: backendName };
}
