import { openTokenStore, type TokenStore } from '@bytemeter/tracker';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { REVOCATION_POLL_MS } from '../src/auth/revocation-watch.js';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore } from './support/harness.js';
import { nextMatching } from './support/next-matching.js';

// Revoking a token ends what it opened: SSE streams get UNAUTHENTICATED and complete, WebSockets close with
// 4403, within the revocation bound; other tokens' streams go on; nothing is logged as an internal error.

const QUERY = 'subscription { liveBandwidth(intervalMs: 250) { totalMbps } }';
type Sample = { liveBandwidth: { totalMbps: number } };
/** The promise is one poll (REVOCATION_POLL_MS) plus a read; the slack is for a loaded test machine. */
const BOUND_MS = 3000;

describe('revoking a token ends its open subscriptions', () => {
  let db: TestStore;
  let api: RunningApi;
  let cli: TokenStore;
  let logged: string[];
  const wsUrl = () => `${api.url.replace('http', 'ws')}/graphql`;

  beforeAll(async () => {
    db = await testStore('revocation');
    api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    // Tokens are created and revoked through another connection, as `bytemeter token revoke` does.
    cli = await openTokenStore(db.options);
  });
  afterAll(async () => {
    await api.close();
    await cli.close();
    db.cleanup();
  });
  beforeEach(() => {
    logged = [];
    const keep = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    };
    vi.spyOn(console, 'error').mockImplementation(keep);
    vi.spyOn(console, 'warn').mockImplementation(keep);
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return write(chunk as string, ...(rest as []));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('ends an SSE stream with UNAUTHENTICATED, leaving another token’s stream running', async () => {
    const doomed = await cli.create({ scopes: 'read' });
    const other = await cli.create({ scopes: 'read' });
    const sse = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${doomed.secret}` } });
    const kept = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${other.secret}` } });
    try {
      const stream = sse.iterate<Sample>({ query: QUERY });
      const keptStream = kept.iterate<Sample>({ query: QUERY });
      await nextMatching(stream, () => true);
      await nextMatching(keptStream, () => true);

      const revokedAt = performance.now();
      expect(await cli.revoke(doomed.id)).toBe(true);
      const { item } = await nextMatching(stream, (r) => (r.errors?.length ?? 0) > 0, BOUND_MS);
      const endedAfter = performance.now() - revokedAt;
      expect(item.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(item.errors?.[0]?.message).toMatch(/revoked/);
      // Then the stream completes.
      expect((await stream.next()).done).toBe(true);
      expect(endedAfter).toBeLessThan(BOUND_MS);

      // The other token's stream still delivers.
      await nextMatching(keptStream, (r) => r.data?.liveBandwidth.totalMbps !== undefined);
      await keptStream.return?.();
    } finally {
      sse.dispose();
      kept.dispose();
    }
    expect(logged.join('')).not.toMatch(/internal error/i);
  });

  it('closes a WebSocket with 4403 and ends each of its subscriptions', async () => {
    const doomed = await cli.create({ scopes: 'read' });
    let closeCode: number | undefined;
    const ws = createWsClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${doomed.secret}` },
      on: {
        closed: (event) => {
          closeCode = (event as { code: number }).code;
        },
      },
    });
    try {
      const first = ws.iterate<Sample>({ query: QUERY });
      const second = ws.iterate<Sample>({ query: QUERY.replace('250', '300') });
      await nextMatching(first, () => true);
      await nextMatching(second, () => true);
      const revokedAt = performance.now();
      await cli.revoke(doomed.id);
      await expect(nextMatching(first, () => false, BOUND_MS)).rejects.toMatchObject({ code: 4403 });
      expect(performance.now() - revokedAt).toBeLessThan(BOUND_MS);
      await expect(nextMatching(second, () => false, BOUND_MS)).rejects.toMatchObject({ code: 4403 });
      expect(closeCode).toBe(4403);
    } finally {
      await ws.dispose();
    }
    expect(logged.join('')).not.toMatch(/internal error/i);
  });

  it('refuses a new subscribe on a socket whose token was revoked with 4403, not 4500', async () => {
    const doomed = await cli.create({ scopes: 'read' });
    // The graphql-ws protocol by hand, so the subscribe can be sent right after the revoke, before the
    // next poll would have closed the socket.
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    const messages: { type: string }[] = [];
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${doomed.secret}` } }));
    await vi.waitFor(() => expect(messages.map((m) => m.type)).toContain('connection_ack'));
    await cli.revoke(doomed.id);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
    expect(await closed).toBe(4403);
    expect(messages.some((m) => m.type === 'next')).toBe(false);
    expect(logged.join('')).not.toMatch(/internal error/i);
  });

  it('polls only while something is watched', async () => {
    expect(REVOCATION_POLL_MS).toBeLessThanOrEqual(250);
    const token = await cli.create({ scopes: 'read' });
    const sse = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${token.secret}` } });
    const stream = sse.iterate<Sample>({ query: QUERY });
    await nextMatching(stream, () => true);
    expect(api.revocations.size).toBeGreaterThan(0);
    await stream.return?.();
    sse.dispose();
    await vi.waitFor(() => expect(api.revocations.size).toBe(0));
  });
});
