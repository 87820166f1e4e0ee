import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type BytemeterClient, createBytemeterClient, GraphQLRequestError } from '../src/index.js';

// Live feeds from the API process over SSE (the default) and over graphql-ws.

describe.each(['sse', 'ws'] as const)('subscriptions over %s', (transport) => {
  let api: ApiProcess;
  let client: BytemeterClient;
  const backend = `live-${transport}`;

  beforeAll(async () => {
    api = await startApiProcess();
    client = createBytemeterClient({ url: api.url, subscriptions: transport, webSocketImpl: WebSocket });
  });
  afterAll(async () => {
    await client?.close();
    await api?.stop();
  });

  const track = (resourceType: 'BANDWIDTH_UPLOAD' | 'STORAGE_USED', amount: number, name = backend) =>
    client.trackUsage([{ backend: name, backendType: 'S3', resourceType, amount }]);

  it('subscribeLiveBandwidth yields samples that see bytes written through the API', async () => {
    const samples = client.subscribeLiveBandwidth({ backend, intervalMs: 250 });
    // The first sample proves the feed is live before anything is written.
    expect((await samples.next()).value).toMatchObject({ backend });
    await track('BANDWIDTH_UPLOAD', 7000);
    let uploaded = 0;
    for await (const sample of samples) {
      uploaded += sample.uploadBytes;
      if (uploaded > 0) {
        expect(sample.uploadMbps).toBeGreaterThan(0);
        break;
      }
    }
    expect(uploaded).toBe(7000);
  });

  it('subscribeUsageEvents yields matching events as they land', async () => {
    const feed = client.subscribeUsageEvents({ backend });
    const first = feed.next();
    // The shared poller only reports rows stored after the subscription started: write until one arrives.
    let amount = 0;
    const writer = (async () => {
      for (let i = 0; i < 100; i++) {
        const done = await Promise.race([first.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
        if (done) return;
        amount += 1;
        await track('BANDWIDTH_UPLOAD', 1);
        await track('BANDWIDTH_UPLOAD', 999, `${backend}-other`);
      }
    })();
    const { value } = await first;
    await writer;
    expect(value).toMatchObject({ backend, backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 1 });
    expect(value?.id).toEqual(expect.any(String));
    expect(amount).toBeGreaterThan(0);
    await feed.return();
  });

  it('subscribeBackendStatus reports a storage level change', async () => {
    const name = `${backend}-levels`;
    await track('STORAGE_USED', 10, name);
    const feed = client.subscribeBackendStatus({ backend: name });
    const next = feed.next();
    let level = 10;
    const writer = (async () => {
      for (let i = 0; i < 100; i++) {
        const done = await Promise.race([next.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);
        if (done) return;
        level += 32;
        await track('STORAGE_USED', 32, name);
      }
    })();
    const { value } = await next;
    await writer;
    expect(value?.backend).toBe(name);
    expect(value?.currentStorageUsageBytes).toBeGreaterThan(10);
    expect(value?.currentStorageUsageBytes).toBeLessThanOrEqual(level);
    await feed.return();
  });

  it('return() ends a feed while a next() still waits for an event', async () => {
    const feed = client.subscribeUsageEvents({ backend: `${backend}-silent` });
    const pending = feed.next();
    // The request is on its way; ending the feed must not wait for an event that never comes.
    await expect(feed.return()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toMatchObject({ done: true });
    await expect(feed.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('a refused subscription throws GraphQLRequestError', async () => {
    const feed = client.subscribeLiveBandwidth({ intervalMs: 5 });
    const error = await feed.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ graphqlCode: 'BAD_USER_INPUT' });
  });
});
