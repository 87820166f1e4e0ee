import { openResourceTracker } from '@bytemeter/tracker';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { SubscriptionSlots } from '../src/ws-subscription-slots.js';
import { type TestStore, testStore } from './support/harness.js';
import { waitUntil } from './support/wait-until.js';

type Message = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** A subscription's messages as they come, and how it ended (complete, or the error it was refused with). */
function watch(client: Client, query: string) {
  const messages: Message[] = [];
  let unsubscribe = () => {};
  const ended = new Promise<{ completed: true } | { error: unknown }>((resolve) => {
    unsubscribe = client.subscribe(
      { query },
      {
        next: (m) => void messages.push(m as Message),
        error: (error) => resolve({ error }),
        complete: () => resolve({ completed: true }),
      },
    );
  });
  return { messages, ended, unsubscribe: () => unsubscribe() };
}

const BANDWIDTH = 'subscription { liveBandwidth(intervalMs: 250) { totalMbps } }';

describe('graphql-ws subscription limits', () => {
  let db: TestStore;
  let api: RunningApi;
  let url: string;
  beforeAll(async () => {
    db = await testStore('ws-limits');
    api = await startApiServer({
      settings: {
        ...readSettings({}),
        port: 0,
        ...db.settings,
        maxSubscriptionsPerSocket: 2,
        maxSubscriptionsPerToken: 3,
      },
    });
    url = `${api.url.replace('http', 'ws')}/graphql`;
  });
  afterAll(async () => {
    await api.close();
    db.cleanup();
  });

  it('refuses an operation past the per-socket and the per-token limit with TOO_MANY_SUBSCRIPTIONS', async () => {
    const a = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const b = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const a1 = watch(a, BANDWIDTH);
      const a2 = watch(a, BANDWIDTH);
      await waitUntil(() => a1.messages.length > 0 && a2.messages.length > 0);
      const a3 = watch(a, BANDWIDTH);
      const refusedSocket = (await a3.ended) as { error: Message['errors'] };
      expect(refusedSocket.error?.map((e) => e.extensions)).toEqual([
        { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2, per: 'socket' },
      ]);

      // Without tokens every socket shares one: 2 on a, 1 on b, and the next is refused.
      const b1 = watch(b, BANDWIDTH);
      await waitUntil(() => b1.messages.length > 0);
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 3 });
      const b2 = watch(b, BANDWIDTH);
      const refusedToken = (await b2.ended) as { error: Message['errors'] };
      expect(refusedToken.error?.map((e) => e.extensions)).toEqual([
        { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3, per: 'token' },
      ]);

      // A completed subscription gives its slot back; so does a closed socket.
      a1.unsubscribe();
      await waitUntil(() => api.subscriptionSlots.openPerToken().open === 2);
      const b3 = watch(b, BANDWIDTH);
      await waitUntil(() => b3.messages.length > 0);
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 3 });
      await a.dispose();
      await waitUntil(() => api.subscriptionSlots.openPerToken().open === 2);
    } finally {
      await a.dispose();
      await b.dispose();
    }
    await waitUntil(() => api.subscriptionSlots.openPerToken().open === undefined);
  });

  /** A subscription over SSE on the real port: resolves once its first result arrived, or with the whole answer. */
  async function sse(query: string) {
    const abort = new AbortController();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, open: false, close: () => {} };
      text += decoder.decode(value, { stream: true });
      if (/event: next\ndata: .*totalMbps/.test(text)) {
        return { text, open: true, close: () => abort.abort() };
      }
    }
  }

  it('counts SSE subscriptions against the same per-token limit, and gives the slot back when the stream ends', async () => {
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const streams: { close(): void }[] = [];
    try {
      const s1 = await sse(BANDWIDTH);
      const s2 = await sse(BANDWIDTH);
      streams.push(s1, s2);
      expect([s1.open, s2.open]).toEqual([true, true]);
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 2 });
      const w1 = watch(client, BANDWIDTH);
      await waitUntil(() => w1.messages.length > 0);
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 3 });

      // The fourth of this token, over SSE: refused, the stream ends, nothing else counted.
      const refused = await sse(BANDWIDTH);
      expect(refused.open).toBe(false);
      expect(refused.text).toContain('"code":"TOO_MANY_SUBSCRIPTIONS"');
      expect(refused.text).toContain('"per":"token"');
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 3 });
      // And over WebSocket too, while the SSE streams hold their slots.
      const w2 = watch(client, BANDWIDTH);
      const refusedWs = (await w2.ended) as { error: Message['errors'] };
      expect(refusedWs.error?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);

      // A client that goes away gives its stream's slot back.
      s1.close();
      await waitUntil(() => api.subscriptionSlots.openPerToken().open === 2);
      const s3 = await sse(BANDWIDTH);
      streams.push(s3);
      expect(s3.open).toBe(true);
      expect(api.subscriptionSlots.openPerToken()).toEqual({ open: 3 });
    } finally {
      for (const stream of streams) stream.close();
      await client.dispose();
    }
    await waitUntil(() => api.subscriptionSlots.openPerToken().open === undefined);
  });

  it('reads the limits from the environment', () => {
    const settings = readSettings({
      BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
      BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN: '9',
    });
    expect([settings.maxSubscriptionsPerSocket, settings.maxSubscriptionsPerToken]).toEqual([5, 9]);
    expect([readSettings({}).maxSubscriptionsPerSocket, readSettings({}).maxSubscriptionsPerToken]).toEqual([32, 256]);
    expect(() => readSettings({ BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_SOCKET: '0' })).toThrow(/from 1 to/);
  });
});

describe('subscription slots', () => {
  it('refuse an id a socket already holds, take nothing for a closed socket, and outlive no socket', () => {
    const slots = new SubscriptionSlots({ perSocket: 4, perToken: 4 });
    const socket = {};
    // subscribe x, complete x, subscribe x while the first is still starting: the second is refused (both
    // would run otherwise, one of them uncounted); the one that runs completes once and gives its slot back.
    expect(slots.take(socket, 'x', 7)).toBeNull();
    expect(slots.take(socket, 'x', 7)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(slots.openPerToken()).toEqual({ '7': 1 });
    slots.release(socket, 'x');
    expect(slots.openPerToken()).toEqual({});
    // onClose ran while an operation was starting: it takes nothing, since nothing would give it back.
    const closed = {};
    expect(slots.take(closed, 'y', 7, false)?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS' });
    expect(slots.openPerToken()).toEqual({});
    for (const id of ['a', 'b', 'c', 'd']) expect(slots.take(socket, id, null)).toBeNull();
    expect(slots.take({}, 'e', null)?.extensions).toMatchObject({ per: 'token' });
    slots.releaseAll(socket);
    expect(slots.openPerToken()).toEqual({});
  });
});

describe('a usageEvents subscriber that stops reading', () => {
  it('is ended with EVENTS_MISSED over WebSocket and the hub keeps nothing for it', async () => {
    const cap = 1_000;
    const db = await testStore('ws-stalled');
    const api = await startApiServer({
      settings: { ...readSettings({}), port: 0, ...db.settings },
      api: { eventLogCap: cap },
    });
    let socket: import('node:net').Socket | undefined;
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      retryAttempts: 0,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols);
          this.once('open', () => {
            socket = (this as unknown as { _socket: import('node:net').Socket })._socket;
          });
        }
      },
    });
    try {
      const sub = watch(client, 'subscription { usageEvents(backend: "stall") { id backend metadata } }');
      await waitUntil(() => api.live.eventReaders === 1);
      await waitUntil(() => api.live.ticker.computations.get('events') !== undefined);
      // The client stops reading: the server's sends stall once the TCP buffers are full (a few MB).
      socket!.pause();
      const n = 40_000;
      const writer = openResourceTracker({ ...db.options, maxBatchSize: 10_000, flushOnExit: false });
      try {
        const note = 'x'.repeat(300);
        for (let i = 0; i < n; i++) writer.trackApiCall('stall', 's3', { id: `stall-${i}`, metadata: { note } });
        await writer.flush();
      } finally {
        await writer.close();
      }
      // The stalled subscriber fell more than the cap behind: it no longer holds the shared log.
      await waitUntil(() => api.live.eventReaders === 0, 30_000);
      expect(api.live.retainedEvents).toBe(0);
      socket!.resume();
      const end = await sub.ended;
      expect(end).toEqual({ completed: true });
      const last = sub.messages.at(-1)!;
      expect(last.data ?? null).toBeNull();
      expect(last.errors?.map((e) => e.extensions?.code)).toEqual(['EVENTS_MISSED']);
      const missed = last.errors![0]!.extensions!.missed as number;
      const delivered = sub.messages.length - 1;
      expect(sub.messages.slice(0, -1).every((m) => m.errors === undefined)).toBe(true);
      expect(missed).toBeGreaterThan(0);
      expect(delivered + missed).toBeLessThanOrEqual(n);
    } finally {
      await client.dispose();
      await api.close();
      db.cleanup();
    }
  }, 90_000);
});
