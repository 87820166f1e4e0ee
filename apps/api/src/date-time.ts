import { parseRfc3339 } from '@bytemeter/core';
import { GraphQLError } from 'graphql';

/**
 * Parses an RFC 3339 instant that carries an offset (Z or ±hh:mm, so an instant is never guessed), strictly:
 * a day or time that does not exist (2026-11-31, 2025-02-30, 24:00:00) is refused rather than rolled over
 * as `new Date()` would. Throws a BAD_USER_INPUT GraphQLError otherwise.
 * @example parseDateTime('2026-11-27T00:00:00+05:30')
 */
export function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? parseRfc3339(value) : null;
  if (date === null) {
    throw new GraphQLError(
      `DateTime must be an RFC 3339 date-time with an offset that exists on the calendar, e.g. 2026-11-27T00:00:00.000Z; got ${JSON.stringify(value)}.`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  return date;
}
