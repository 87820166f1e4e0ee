import { describe, MAX_PATH_LENGTH } from '@bytemeter/core';
import { ValidationError } from '../errors.js';

/** The per-event filters drill-down and export share beside range, backend and resource. */
export interface EventMatch {
  /** Only events of operations that succeeded (true) or failed (false). */
  success?: boolean;
  /**
   * Only events whose path starts with this text, compared exactly (case-sensitive, no wildcards).
   * Events without a path never match. An empty prefix matches everything.
   */
  pathPrefix?: string;
}

/**
 * The match filters of a query, checked: a non-boolean `success` or a non-string (or over-long) `pathPrefix`
 * throws ValidationError (INVALID_OPTION) and nothing is read. An empty prefix is dropped.
 * @example resolveEventMatch({ success: false, pathPrefix: 'cats/' }) // { success: false, pathPrefix: 'cats/' }
 */
export function resolveEventMatch(q: EventMatch): EventMatch {
  const { success, pathPrefix } = q;
  if (success !== undefined && success !== null && typeof success !== 'boolean') {
    throw new ValidationError('INVALID_OPTION', `success must be a boolean; got ${describe(success)}.`, 'success');
  }
  if (pathPrefix !== undefined && pathPrefix !== null) {
    if (typeof pathPrefix !== 'string' || pathPrefix.length > MAX_PATH_LENGTH) {
      throw new ValidationError(
        'INVALID_OPTION',
        `pathPrefix must be text of at most ${MAX_PATH_LENGTH} characters; got ${describe(pathPrefix)}.`,
        'pathPrefix',
      );
    }
  }
  return {
    ...(typeof success === 'boolean' ? { success } : {}),
    ...(typeof pathPrefix === 'string' && pathPrefix !== '' ? { pathPrefix } : {}),
  };
}
