import type { TadaDocumentNode } from 'gql.tada';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws/client';
import { type GraphQLErrorItem, GraphQLRequestError, HttpError, NetworkError } from '../errors.js';
import { authHeaders, type Connection } from './connection.js';
import { queryText } from './execute.js';

/** How subscriptions travel: Server-Sent Events (default, plain HTTP) or a graphql-ws WebSocket. */
export type SubscriptionTransport = 'sse' | 'ws';

export interface SubscriptionSettings {
  transport: SubscriptionTransport;
  /** A WebSocket constructor where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl: unknown;
}

type Result = { data?: unknown; errors?: readonly GraphQLErrorItem[] | undefined };

/** A live feed: iterate it with `for await`; `return()` (or `break`) ends the subscription at once. */
export interface LiveFeed<T> extends AsyncIterableIterator<T, undefined> {
  next(): Promise<IteratorResult<T, undefined>>;
  return(): Promise<IteratorReturnResult<undefined>>;
}

/** Lazily opened subscription clients of one BytemeterClient, closed together. */
export class Subscriptions {
  private sse: SseClient | undefined;
  private ws: WsClient | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly settings: SubscriptionSettings,
  ) {}

  /**
   * Yields `data[field]` of every result of a subscription; ends when the caller stops iterating or the
   * server completes it; throws GraphQLRequestError or NetworkError. Written by hand rather than as an
   * async generator so `return()` ends the subscription at once, even while a `next()` still waits.
   */
  iterate<T>(
    document: TadaDocumentNode<any, any>,
    variables: Record<string, unknown>,
    field: string,
    transport: SubscriptionTransport = this.settings.transport,
  ): LiveFeed<T> {
    const url = this.connection.graphqlUrl;
    const request = { query: queryText(document), variables };
    let inner: AsyncIterator<Result> | undefined;
    let ended = false;
    const open = () => {
      inner ??= (
        transport === 'ws' ? this.wsClient().iterate(request) : this.sseClient().iterate(request)
      ) as AsyncIterator<Result>;
      return inner;
    };
    const end = async (): Promise<IteratorReturnResult<undefined>> => {
      ended = true;
      await inner?.return?.();
      return { done: true, value: undefined };
    };
    return {
      async next(): Promise<IteratorResult<T, undefined>> {
        if (ended) return { done: true, value: undefined };
        let step: IteratorResult<Result>;
        try {
          step = await open().next();
        } catch (error) {
          // Read the refused response's body before ending the feed cancels it.
          const clientError = await toClientError(url, error);
          await end();
          throw clientError;
        }
        if (step.done) return end();
        const { data, errors } = step.value;
        if (errors && errors.length > 0) {
          await end();
          throw new GraphQLRequestError(errors, 200);
        }
        return { done: false, value: (data as Record<string, T>)[field] as T };
      },
      return: end,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Ends every open subscription and connection. */
  async close(): Promise<void> {
    this.sse?.dispose();
    this.sse = undefined;
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }

  private sseClient(): SseClient {
    this.sse ??= createSseClient({
      url: this.connection.graphqlUrl,
      headers: () => authHeaders(this.connection),
      fetchFn: this.connection.fetch,
      // A broken stream surfaces to the caller instead of being retried forever behind its back.
      retryAttempts: 0,
    });
    return this.sse;
  }

  private wsClient(): WsClient {
    const impl = this.settings.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (impl === undefined) {
      throw new TypeError(
        "WebSocket subscriptions need a WebSocket implementation: pass `webSocketImpl` (in Node 20: import WebSocket from 'ws').",
      );
    }
    this.ws ??= createWsClient({
      url: this.connection.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: impl,
      connectionParams: () => authHeaders(this.connection),
      lazy: true,
      retryAttempts: 0,
    });
    return this.ws;
  }
}

async function toClientError(url: string, error: unknown): Promise<Error> {
  if (Array.isArray(error)) return new GraphQLRequestError(error as GraphQLErrorItem[], 200);
  // graphql-sse rejects with the Response of a refused request; its body carries the GraphQL errors.
  const response = (error as { response?: Response } | null)?.response;
  if (response && typeof response.status === 'number') {
    const text = await response.text().catch(() => '');
    const errors = errorsInBody(text);
    if (errors) return new GraphQLRequestError(errors, response.status);
    return new HttpError(url, response.status, text);
  }
  if (error instanceof Error) return new NetworkError(url, error);
  // graphql-ws rejects with the CloseEvent of a dropped socket.
  if (error && typeof error === 'object' && 'code' in error) {
    const e = error as { code: number; reason?: string };
    return new NetworkError(url, new Error(`WebSocket closed with ${e.code}${e.reason ? ` ${e.reason}` : ''}`));
  }
  return new NetworkError(url, error);
}

/** GraphQL errors in a refused response: a JSON body, or the `data:` line of an event stream. */
function errorsInBody(text: string): GraphQLErrorItem[] | undefined {
  const candidates = [text, ...text.split('\n').flatMap((line) => (line.startsWith('data:') ? [line.slice(5)] : []))];
  for (const candidate of candidates) {
    try {
      const errors = (JSON.parse(candidate) as { errors?: GraphQLErrorItem[] } | null)?.errors;
      if (Array.isArray(errors) && errors.length > 0) return errors;
    } catch {
      // not JSON; try the next candidate
    }
  }
  return undefined;
}
