import { GraphQLError } from 'graphql';

// RFC 3339 date-time; the offset (Z or ±hh:mm) is mandatory so an instant is never guessed.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an RFC 3339 instant that carries an offset; throws a BAD_USER_INPUT GraphQLError otherwise.
 * @example parseDateTime('2026-11-27T00:00:00+05:30')
 */
export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new GraphQLError(
      `DateTime must be an RFC 3339 string with an offset, e.g. 2026-11-27T00:00:00.000Z; got ${JSON.stringify(value)}.`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime ${JSON.stringify(value)} is not a real instant.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}
