import { type BytemeterErrorCode, ValidationError } from '@bytemeter/core';

/** Every code a client error carries; switch on it rather than on the class or the message. */
export type ClientErrorCode =
  /** The server could not be reached, or the connection broke before an answer came back. */
  | 'NETWORK'
  /** The server answered with an HTTP error and no GraphQL body (a proxy, 5xx, 404…). */
  | 'HTTP'
  /** The server answered with GraphQL errors; `graphqlCode` holds the first error's `extensions.code`. */
  | 'GRAPHQL'
  /** Events refused by the server's rules (EventsDroppedError); a call refused at once throws ClientValidationError. */
  | 'INVALID_INPUT'
  /** The remote tracker was closed. */
  | 'CLOSED'
  /** The remote tracker's buffer was full and an event was dropped (see RemoteTrackerOptions.maxBufferedEvents). */
  | 'BUFFER_FULL';

/** Base of every error the client throws on purpose. */
export class BytemeterClientError extends Error {
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** Whether trying the same request again later may succeed (network trouble, 5xx, 429). */
  get retryable(): boolean {
    return false;
  }
}

/**
 * The server could not be reached or the connection dropped; nothing is known about what it did.
 * A retried `trackUsage` batch is still counted once: every event carries its id.
 */
export class NetworkError extends BytemeterClientError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const why = describeCause(cause);
    super(
      'NETWORK',
      `Cannot reach the bytemeter API at ${url}${why ? ` (${why})` : ''}. Check that the server runs (pnpm --filter @bytemeter/api start) and that the endpoint is right.`,
      { cause },
    );
  }
  override get retryable(): boolean {
    return true;
  }
}

/** An HTTP error without a GraphQL body. */
export class HttpError extends BytemeterClientError {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super('HTTP', `The bytemeter API at ${url} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}.`);
  }
  override get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** One error of a GraphQL response. */
export interface GraphQLErrorItem {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * The API refused the operation. `graphqlCode` is the first error's code: UNAUTHENTICATED (send a token),
 * FORBIDDEN (the token lacks a scope), BAD_USER_INPUT (fix the arguments; `trackerCode` says which rule),
 * INTERNAL_SERVER_ERROR.
 */
export class GraphQLRequestError extends BytemeterClientError {
  readonly graphqlCode: string;
  readonly trackerCode: string | undefined;
  constructor(
    readonly errors: readonly GraphQLErrorItem[],
    readonly status: number,
  ) {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
    super('GRAPHQL', `${code}: ${errors.map((e) => e.message).join('; ') || 'the API returned an error'}`);
    this.graphqlCode = code;
    const tracker = first?.extensions?.trackerCode;
    this.trackerCode = typeof tracker === 'string' ? tracker : undefined;
  }
  override get retryable(): boolean {
    return this.status >= 500 || this.graphqlCode === 'INTERNAL_SERVER_ERROR';
  }
}

/**
 * Bad input caught on the client; nothing was sent or recorded. It is core's ValidationError (the same
 * class and codes the local tracker throws, so one `catch` serves both trackers); `field` names what to fix.
 */
export class ClientValidationError extends ValidationError {
  declare readonly field: string;
  constructor(field: string, message: string, code: BytemeterErrorCode = 'INVALID_OPTION') {
    super(code, message, field);
  }

  /** Never: the same input is refused again. */
  get retryable(): boolean {
    return false;
  }
}

/** The remote tracker was closed; create a new one with createRemoteTracker(). */
export class RemoteTrackerClosedError extends BytemeterClientError {
  constructor() {
    super('CLOSED', 'This remote tracker is closed; create a new one with createRemoteTracker().');
  }
}

/** Events the remote tracker could not keep or deliver, with why. */
export class EventsDroppedError extends BytemeterClientError {
  constructor(
    code: 'BUFFER_FULL' | 'GRAPHQL' | 'INVALID_INPUT',
    readonly count: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const inner = (cause as { cause?: unknown }).cause;
  const innerCode = inner && typeof inner === 'object' && 'code' in inner ? String(inner.code) : '';
  if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return `${cause.name}: ${cause.message}`;
  return innerCode || cause.message;
}
