import { GraphQLError, Kind, valueFromASTUntyped } from 'graphql';
import { builder } from '../builder.js';
import { parseDateTime } from '../date-time.js';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badInput(`SafeInt must be an integer between -(2^53-1) and 2^53-1; got ${JSON.stringify(value)}.`);
  }
  return value;
}

export const DateTime = builder.scalarType('DateTime', {
  description: 'RFC 3339 instant with an offset, e.g. 2026-11-27T00:00:00.000Z. Inputs without an offset are rejected.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : value),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const SafeInt = builder.scalarType('SafeInt', {
  description: 'An integer between -(2^53-1) and 2^53-1, sent as a JSON number. Anything else is rejected.',
  serialize: (value) => parseSafeInt(value),
  parseValue: parseSafeInt,
  parseLiteral: (ast) => parseSafeInt(ast.kind === Kind.INT ? Number(ast.value) : undefined),
});

export const JSONScalar = builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

export const TimeRange = builder.inputType('TimeRange', {
  description: 'Half-open time range [from, to). from must be before to.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true }),
  }),
});
