import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { tempDbPath } from './support/harness.js';

// A bad document over graphql-ws is answered on that subscription (BAD_USER_INPUT), like over HTTP; it does
// not close the socket with 4500 "Internal error".

describe('graphql-ws bad documents', () => {
  let api: RunningApi;
  const db = tempDbPath();
  let ws: ReturnType<typeof createClient>;
  const closes: number[] = [];

  beforeAll(async () => {
    api = await startApiServer({ settings: { ...readSettings({}), port: 0, dbPath: db.path } });
    ws = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
  });
  afterAll(async () => {
    await ws.dispose();
    await api.close();
    db.cleanup();
  });

  /** The errors a subscription ends with (graphql-ws hands them to sink.error as an array). */
  const errorsOf = (query: string) =>
    new Promise<{ message: string; extensions?: Record<string, unknown> }[]>((resolve, reject) => {
      ws.subscribe(
        { query },
        {
          next: () => reject(new Error('unexpected result')),
          error: (errors) => resolve(errors as never),
          complete: () => reject(new Error('completed without an error')),
        },
      );
    });

  it('answers a syntax error, a too deep document and an unknown field, and keeps the socket', async () => {
    const syntax = await errorsOf('subscription { liveBandwidth {');
    expect(syntax[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', graphqlCode: 'GRAPHQL_PARSE_FAILED' });
    const deep = await errorsOf(`subscription ${'{ a '.repeat(2000)}${'}'.repeat(2000)}`);
    expect(deep[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });
    const unknown = await errorsOf('subscription { nope }');
    expect(unknown[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The same socket still serves a valid subscription.
    const sample = await new Promise<unknown>((resolve, reject) => {
      const stop = ws.subscribe(
        { query: 'subscription { liveBandwidth(intervalMs: 250) { totalMbps } }' },
        {
          next: (value) => {
            stop();
            resolve(value);
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    expect(sample).toEqual({ data: { liveBandwidth: { totalMbps: 0 } } });
    expect(closes).toEqual([]);
  });
});
