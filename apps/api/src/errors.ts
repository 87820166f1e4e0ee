import { BytemeterError, isStorageFull, TrackerClosedError } from '@bytemeter/tracker';
import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` this API sends. Expected errors carry one of the first three; anything else is
 * masked as INTERNAL_SERVER_ERROR with a generic message (and logged on the server). EVENTS_MISSED: a
 * usageEvents subscriber is told how many events it did not get (`extensions.missed`);
 * TOO_MANY_SUBSCRIPTIONS: a graphql-ws operation or SSE subscription past the per-socket or per-token limit.
 */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'STORAGE_FULL'
  | 'EVENTS_MISSED'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'INTERNAL_SERVER_ERROR';

// STORAGE_FULL is 503: the request was fine and nothing of it is stored; retry once space is freed.
const HTTP_STATUS: Partial<Record<ApiErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, STORAGE_FULL: 503 };

/**
 * An expected error with its code; `trackerCode` and other details go to `extensions` too.
 * @example throw apiError('FORBIDDEN', 'This token lacks the ingest scope.')
 */
export function apiError(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...details, ...(status ? { http: { status } } : {}) },
  });
}

/** The tracker's typed input errors become BAD_USER_INPUT with the tracker's own code beside it. */
export function fromTrackerError(error: BytemeterError, base?: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    ...(base?.nodes ? { nodes: base.nodes } : {}),
    ...(base?.path ? { path: base.path } : {}),
    extensions: { code: 'BAD_USER_INPUT', trackerCode: error.code },
  });
}

function hasCode(error: GraphQLError): boolean {
  return typeof error.extensions?.code === 'string';
}

/**
 * Yoga's maskError: keeps expected errors, converts tracker input errors, and hides everything else.
 * GraphQL errors without a cause (parse, validation, variable coercion) are the client's fault: BAD_USER_INPUT.
 */
export function maskError(error: unknown, message: string, onStorageFull: () => void = () => {}): Error {
  const graphQLError = error instanceof GraphQLError ? error : undefined;
  const cause = graphQLError ? graphQLError.originalError : error;
  // A full disk is nobody's bad input and no bug: a clear retryable code, logged once per episode by the caller.
  if (isStorageFull(cause)) {
    onStorageFull();
    return new GraphQLError('The server is out of disk space; nothing of this request was stored. Retry later.', {
      ...(graphQLError?.path ? { path: graphQLError.path } : {}),
      extensions: { code: 'STORAGE_FULL', retryable: true, http: { status: HTTP_STATUS.STORAGE_FULL } },
    });
  }
  // A closed tracker is the server's problem, not the client's: it is masked like any internal error.
  if (cause instanceof BytemeterError && !(cause instanceof TrackerClosedError))
    return fromTrackerError(cause, graphQLError);
  if (cause instanceof GraphQLError) {
    if (hasCode(cause)) return graphQLError && graphQLError !== cause ? withPath(cause, graphQLError) : cause;
    return withCode(cause, 'BAD_USER_INPUT');
  }
  if (graphQLError && (cause === undefined || cause === null)) {
    return hasCode(graphQLError) ? graphQLError : withCode(graphQLError, 'BAD_USER_INPUT');
  }
  process.stderr.write(`bytemeter api: internal error: ${(cause as Error)?.stack ?? String(cause)}\n`);
  return new GraphQLError(message, {
    ...(graphQLError?.path ? { path: graphQLError.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

function withCode(error: GraphQLError, code: ApiErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

function withPath(cause: GraphQLError, at: GraphQLError): GraphQLError {
  return new GraphQLError(cause.message, {
    ...(at.nodes ? { nodes: at.nodes } : {}),
    ...(at.path ? { path: at.path } : {}),
    extensions: cause.extensions,
  });
}

/**
 * Codes Yoga and graphql-js put on requests they cannot parse, validate or pick an operation from
 * (OPERATION_RESOLUTION_FAILURE: an unknown operationName, or several operations and none named): all the
 * client's fault.
 */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Narrows an outgoing error's code to the closed ApiErrorCode union; the original code stays in
 * `extensions.graphqlCode`.
 * @example result.errors = result.errors.map(toClosedCode)
 */
export function toClosedCode<E extends GraphQLError | { message: string; extensions?: Record<string, unknown> }>(
  error: E,
): E | GraphQLError {
  const code = error.extensions?.code;
  if (typeof code !== 'string' || !CLIENT_CODES.has(code)) return error;
  const extensions = { ...error.extensions, code: 'BAD_USER_INPUT', graphqlCode: code };
  if (!(error instanceof GraphQLError)) return new GraphQLError(error.message, { extensions });
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions,
  });
}
