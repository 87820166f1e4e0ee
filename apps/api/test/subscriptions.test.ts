import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openResourceTracker } from '@bytemeter/tracker';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveHub } from '../src/live/live-hub.js';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore } from './support/harness.js';
import { nextMatching } from './support/next-matching.js';
import { waitUntil } from './support/wait-until.js';

type Sample = {
  liveBandwidth: { backend: string | null; uploadBytes: number; downloadBytes: number; uploadMbps: number };
};

describe('subscriptions', () => {
  let api: RunningApi;
  let db: TestStore;
  let sse: ReturnType<typeof createSseClient>;
  let ws: ReturnType<typeof createWsClient>;

  beforeAll(async () => {
    db = await testStore('subscriptions');
    api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    sse = createSseClient({ url: `${api.url}/graphql` });
    ws = createWsClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true });
  });
  afterAll(async () => {
    sse.dispose();
    await ws.dispose();
    await api.close();
    db.cleanup();
  });

  async function track(events: Record<string, unknown>[]) {
    const r = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted rejected { code } } }',
        variables: { e: events },
      }),
    });
    expect(await r.json()).toEqual({ data: { trackUsage: { accepted: events.length, rejected: [] } } });
  }

  it('liveBandwidth over SSE sees bytes recorded through the API', async () => {
    const iterator = sse.iterate<Sample>({
      query:
        'subscription { liveBandwidth(backend: "sse", intervalMs: 250) { backend uploadBytes downloadBytes uploadMbps } }',
    });
    // The first sample proves the subscription is live before anything is written.
    await nextMatching(iterator, () => true);
    await track([{ backend: 'sse', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 5000 }]);
    const { item } = await nextMatching(iterator, (r) => (r.data?.liveBandwidth.uploadBytes ?? 0) > 0);
    expect(item.data?.liveBandwidth).toMatchObject({ backend: 'sse', uploadBytes: 5000, downloadBytes: 0 });
    expect(item.data?.liveBandwidth.uploadMbps).toBeGreaterThan(0);
    await iterator.return?.();
  });

  it('usageEvents over graphql-ws delivers matching events as they land', async () => {
    const iterator = ws.iterate<{ usageEvents: { backend: string; amount: number; resourceType: string } }>({
      query: 'subscription { usageEvents(backend: "ws-a") { backend amount resourceType } }',
    });
    // Subscriptions start asynchronously; wait until the shared poller has its listener.
    await waitUntil(() => (api.live.ticker.listenerCounts().events ?? 0) > 0);
    await waitUntil(() => api.live.ticker.computations.get('events') !== undefined);
    await track([
      { backend: 'ws-b', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 1 },
      { backend: 'ws-a', backendType: 'S3', resourceType: 'BANDWIDTH_DOWNLOAD', amount: 2 },
      { backend: 'ws-a', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 },
    ]);
    const first = await nextMatching(iterator, () => true);
    const second = await nextMatching(iterator, () => true);
    expect([first.item.data?.usageEvents, second.item.data?.usageEvents]).toEqual([
      { backend: 'ws-a', amount: 2, resourceType: 'BANDWIDTH_DOWNLOAD' },
      { backend: 'ws-a', amount: 1, resourceType: 'API_CALLS' },
    ]);
    await iterator.return?.();
  });

  it('usageEvents delivers each of 25,000 events committed at once, once, however many pages that takes', async () => {
    const n = 25_000;
    const ticks = api.live.ticker.computations.get('events') ?? 0;
    const iterator = ws.iterate<{ usageEvents: { id: string } }>({
      query: 'subscription { usageEvents(backend: "burst") { id } }',
    });
    // The poller (started anew: the previous test's ended with its subscriber) has its cursor.
    await waitUntil(() => (api.live.ticker.listenerCounts().events ?? 0) > 0);
    await waitUntil(() => (api.live.ticker.computations.get('events') ?? 0) > ticks);
    // One commit of more events than 20 pages of 1,000 (the old per-tick cap), from another tracker.
    const writer = openResourceTracker({ ...db.options, maxBatchSize: n, flushOnExit: false });
    try {
      for (let i = 0; i < n; i++) writer.trackApiCall('burst', 's3', { id: `burst-${i}` });
      expect(await writer.flush()).toEqual({ written: n, duplicates: 0 });
    } finally {
      await writer.close();
    }
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const { item } = await nextMatching(iterator, () => true, 20_000).catch((e) => {
        throw new Error(`after ${seen.length}: ${e}`);
      });
      expect(item.errors).toBeUndefined();
      seen.push(item.data!.usageEvents.id);
    }
    expect(new Set(seen).size).toBe(n);
    expect(seen.filter((id) => !id.startsWith('burst-'))).toEqual([]);
    await iterator.return?.();
  }, 60_000);

  it('backendStatusChanged over graphql-ws reports a storage level change', async () => {
    await track([{ backend: 'levels', backendType: 'LOCAL', resourceType: 'STORAGE_USED', amount: 10 }]);
    const iterator = ws.iterate<{ backendStatusChanged: { backend: string; currentStorageUsageBytes: number } }>({
      query: 'subscription { backendStatusChanged(backend: "levels") { backend currentStorageUsageBytes } }',
    });
    await waitUntil(() => api.live.ticker.computations.get('status') !== undefined);
    await track([{ backend: 'levels', backendType: 'LOCAL', resourceType: 'STORAGE_USED', amount: 32 }]);
    const { item } = await nextMatching(iterator, () => true);
    expect(item.data?.backendStatusChanged).toEqual({ backend: 'levels', currentStorageUsageBytes: 42 });
    await iterator.return?.();
  });

  it('liveBandwidth sees a write by another process within 2 s', async () => {
    const iterator = ws.iterate<Sample>({
      query: 'subscription { liveBandwidth(backend: "other-process", intervalMs: 250) { uploadBytes downloadBytes } }',
    });
    await nextMatching(iterator, () => true);
    const written = await recordInChildProcess(db);
    const { item } = await nextMatching(iterator, (r) => (r.data?.liveBandwidth.uploadBytes ?? 0) > 0, 2000);
    expect(item.data?.liveBandwidth).toEqual({ uploadBytes: 777_777, downloadBytes: 0 });
    expect(Date.now() - written).toBeLessThan(2000);
    await iterator.return?.();
  });

  it('computes liveBandwidth once per tick for every subscriber, over SSE and WebSocket alike', async () => {
    const key = LiveHub.bandwidthKey('fan', 300);
    const query = 'subscription { liveBandwidth(backend: "fan", intervalMs: 300) { timestamp uploadBytes } }';
    const started = performance.now();
    const iterators = [
      ...Array.from({ length: 10 }, () => ws.iterate<{ liveBandwidth: { timestamp: string } }>({ query })),
      ...Array.from({ length: 10 }, () => sse.iterate<{ liveBandwidth: { timestamp: string } }>({ query })),
    ];
    for (let round = 0; round < 3; round++) await Promise.all(iterators.map((it) => nextMatching(it, () => true)));
    expect(api.live.ticker.listenerCounts()[key]).toBe(20);
    const computations = api.live.ticker.computations.get(key) ?? 0;
    // 20 subscribers got 3 samples each, from no more computations than 300 ms ticks that fit in the time.
    expect(computations).toBeGreaterThanOrEqual(3);
    expect(computations).toBeLessThanOrEqual(Math.floor((performance.now() - started) / 300) + 1);
    expect(api.live.ticker.deliveries.get(key)).toBeGreaterThanOrEqual(60);
    await Promise.all(iterators.map((it) => it.return?.()));
    await waitUntil(() => api.live.ticker.listenerCounts()[key] === undefined);
  });
});

describe('subscriptions with tokens', () => {
  it('need a token with the read scope over graphql-ws and SSE', async () => {
    const db = await testStore('subscriptions');
    const api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    const { openTokenStore } = await import('@bytemeter/tracker');
    const store = await openTokenStore(db.options);
    const read = (await store.create({ scopes: 'read' })).secret;
    const ingest = (await store.create({ scopes: 'ingest' })).secret;
    await store.close();
    const query = 'subscription { liveBandwidth(intervalMs: 250) { totalMbps } }';
    const wsUrl = `${api.url.replace('http', 'ws')}/graphql`;

    const anonymous = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    await expect(nextMatching(anonymous.iterate({ query }), () => true)).rejects.toMatchObject({ code: 4403 });
    await anonymous.dispose();

    const writer = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ingest}` },
    });
    const refused = await nextMatching(writer.iterate({ query }), () => true);
    expect(refused.item.data ?? null).toBeNull();
    expect(refused.item.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await writer.dispose();

    const reader = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${read}` },
    });
    const { item } = await nextMatching(
      reader.iterate<{ liveBandwidth: { totalMbps: number } }>({ query }),
      () => true,
    );
    expect(item.data?.liveBandwidth.totalMbps).toBe(0);
    await reader.dispose();

    // Node clients may send the token as a header on the upgrade request instead.
    const headerClient = createWsClient({
      url: wsUrl,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: { authorization: `Bearer ${read}` } });
        }
      },
    });
    const viaHeader = await nextMatching(
      headerClient.iterate<{ liveBandwidth: { totalMbps: number } }>({ query }),
      () => true,
    );
    expect(viaHeader.item.data?.liveBandwidth.totalMbps).toBe(0);
    await headerClient.dispose();

    const sseAnonymous = createSseClient({ url: `${api.url}/graphql`, retryAttempts: 0 });
    await expect(nextMatching(sseAnonymous.iterate({ query }), () => true)).rejects.toBeDefined();
    sseAnonymous.dispose();
    const sseReader = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${read}` } });
    const sseItem = await nextMatching(
      sseReader.iterate<{ liveBandwidth: { totalMbps: number } }>({ query }),
      () => true,
    );
    expect(sseItem.item.data?.liveBandwidth.totalMbps).toBe(0);
    sseReader.dispose();

    await api.close();
    db.cleanup();
  });
});

describe('shared ticker fan-out in process', () => {
  it('runs one computation per tick for 1,000 subscribers', async () => {
    const db = await testStore('subscriptions');
    const api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    const key = LiveHub.bandwidthKey(null, 250);
    const received = new Array<number>(1000).fill(0);
    const iterators = received.map(() => api.live.bandwidth(null, 250)[Symbol.asyncIterator]());
    const pulls = iterators.map(async (it, i) => {
      while (received[i]! < 3) {
        const step = await it.next();
        if (step.done) return;
        received[i]!++;
      }
    });
    await Promise.all(pulls);
    const computations = api.live.ticker.computations.get(key) ?? 0;
    expect(received.every((n) => n === 3)).toBe(true);
    // Every computation went to all 1,000 listeners: one computation per tick, not one per subscriber.
    expect(computations).toBeGreaterThanOrEqual(3);
    expect(api.live.ticker.deliveries.get(key)).toBe(computations * 1000);
    await Promise.all(iterators.map((it) => it.return?.()));
    await api.close();
    db.cleanup();
  });
});

/** Records through the tracker in a separate Node process (like an application would); resolves when it has exited. */
function recordInChildProcess(db: TestStore): Promise<number> {
  // $BYTEMETER_DATABASE_URL, when the run is on PostgreSQL, takes precedence over the path.
  const script = `
    import { openResourceTracker } from '@bytemeter/tracker';
    const tracker = openResourceTracker({ path: process.env.BYTEMETER_DB });
    tracker.trackBandwidthUpload('other-process', 's3', 777777);
    await tracker.close();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...db.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`child exited with ${code}`))));
  });
}
