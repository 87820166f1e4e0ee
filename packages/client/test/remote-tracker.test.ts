import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BytemeterClient,
  type BytemeterClientError,
  ClientValidationError,
  createBytemeterClient,
  createRemoteTracker,
  EventsDroppedError,
  RemoteTrackerClosedError,
  type UsageEvent,
  ValidationError,
} from '../src/index.js';
import { type FlakyProxy, startFlakyProxy } from './support/flaky-proxy.js';
import { waitFor } from './support/wait-for.js';

// The remote tracker against the API process behind a proxy that fails on command: 503s, dropped
// connections, and answers lost after the server stored the batch.

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function allEvents(client: BytemeterClient, backend: string): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  for await (const page of client.getUsage({ backend, hoursBack: 1, pageSize: 1000 })) out.push(...page.nodes);
  return out;
}

describe('remote tracker', () => {
  let api: ApiProcess;
  let proxy: FlakyProxy;
  let direct: BytemeterClient;

  beforeAll(async () => {
    api = await startApiProcess();
    proxy = await startFlakyProxy(api.url);
    direct = createBytemeterClient({ url: api.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await api?.stop();
  });

  it('loses nothing and counts nothing twice while the server fails and recovers', async () => {
    const errors: BytemeterClientError[] = [];
    const tracker = createRemoteTracker({
      url: proxy.url,
      flushIntervalMs: 10,
      batchSize: 40,
      initialRetryDelayMs: 5,
      maxRetryDelayMs: 40,
      onError: (e) => errors.push(e),
    });
    let expected = 0;
    let n = 0;
    const record = (count: number) => {
      for (let i = 0; i < count; i++) {
        n += 1;
        expected += n;
        // Distinct amounts: any event stored twice or lost changes the sum.
        tracker.trackBandwidthUpload('flaky', 's3', n, { path: `o/${n}` });
      }
    };

    record(100);
    expect(await tracker.flush()).toEqual({ written: 100, duplicates: 0, pending: 0 });

    proxy.mode = 'unavailable';
    record(100);
    await waitFor(() => proxy.seen.unavailable >= 3, 'retries against 503');
    const during = await tracker.flush();
    expect(during).toMatchObject({ written: 0, pending: 100, error: { code: 'HTTP', status: 503 } });

    proxy.mode = 'drop';
    record(50);
    await waitFor(() => proxy.seen.drop >= 3, 'retries against dropped connections');

    proxy.mode = 'lose-answer';
    await waitFor(() => proxy.seen['lose-answer'] >= 2, 'batches stored whose answers were lost');

    proxy.mode = 'pass';
    record(30);
    await waitFor(() => tracker.pendingCount === 0, 'the buffer to drain after recovery');
    const stats = tracker.stats();
    expect(stats.written + stats.duplicates).toBe(280);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.dropped).toBe(0);
    expect(stats.retries).toBeGreaterThanOrEqual(8);
    expect(errors.map((e) => e.code)).toEqual(expect.arrayContaining(['HTTP', 'NETWORK']));
    expect(await tracker.close()).toEqual({ written: 0, duplicates: 0, pending: 0 });

    const summary = await direct.getUsageSummary({ backend: 'flaky', period: 'DAY' });
    const upload = summary.backends[0]?.resources[0];
    expect(upload).toMatchObject({ resourceType: 'BANDWIDTH_UPLOAD', totalAmount: expected, operationCount: 280 });
    const stored = await allEvents(direct, 'flaky');
    expect(stored).toHaveLength(280);
    expect(stored.every((e) => UUID_V7.test(e.id))).toBe(true);
    expect(new Set(stored.map((e) => e.id)).size).toBe(280);
    // Newest first by time; ids were made in recording order, so they sort the same way.
    const ids = stored.map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('a level report resent after its answer was lost is stored once', async () => {
    const tracker = createRemoteTracker({
      url: proxy.url,
      flushIntervalMs: 10,
      initialRetryDelayMs: 5,
      onError: () => {},
    });
    const lostBefore = proxy.seen['lose-answer'];
    proxy.mode = 'lose-answer';
    tracker.setStorageLevel('resent-level', 'local', 777);
    await waitFor(() => proxy.seen['lose-answer'] >= lostBefore + 2, 'level reports stored whose answers were lost');
    proxy.mode = 'pass';
    await waitFor(() => tracker.pendingCount === 0, 'the report to go through');
    await tracker.close();
    const stored = await allEvents(direct, 'resent-level');
    expect(stored.map((e) => [e.amount, e.reportedLevel])).toEqual([[777, 777]]);
    expect(stored[0]!.id).toMatch(UUID_V7);
  });

  it('bounds memory while the server is down: keeps the oldest, drops and reports the rest', async () => {
    const errors: BytemeterClientError[] = [];
    proxy.mode = 'drop';
    const tracker = createRemoteTracker({
      url: proxy.url,
      maxBufferedEvents: 25,
      flushIntervalMs: 10,
      initialRetryDelayMs: 5,
      maxRetryDelayMs: 20,
      onError: (e) => errors.push(e),
    });
    for (let i = 1; i <= 40; i++) tracker.trackApiCall('bounded', 'local', { operationId: `op-${i}` });
    expect(tracker.stats()).toMatchObject({ buffered: 25, dropped: 15 });
    const overflow = errors.filter((e) => e.code === 'BUFFER_FULL');
    expect(overflow).toHaveLength(1);
    expect(overflow[0]).toBeInstanceOf(EventsDroppedError);
    proxy.mode = 'pass';
    expect(await tracker.close()).toMatchObject({ written: 25, pending: 0 });
    const stored = await allEvents(direct, 'bounded');
    expect(stored.map((e) => e.operationId).reverse()).toEqual(Array.from({ length: 25 }, (_, i) => `op-${i + 1}`));
  });

  it('close() gives up after its timeout and says how many events it could not send', async () => {
    proxy.mode = 'unavailable';
    const tracker = createRemoteTracker({ url: proxy.url, initialRetryDelayMs: 5, maxRetryDelayMs: 10 });
    tracker.trackCost('never', 's3', 12.5);
    tracker.trackCost('never', 's3', 1);
    const result = await tracker.close({ timeoutMs: 200 });
    expect(result).toMatchObject({ written: 0, pending: 2, error: { status: 503 } });
    expect(() => tracker.trackApiCall('never', 's3')).toThrow(RemoteTrackerClosedError);
    proxy.mode = 'pass';
    expect(await direct.getBackendStatus('never')).toEqual([]);
  });

  it('sends every recording method with the tracker units, levels in order with events', async () => {
    const tracker = createRemoteTracker({ url: api.url, flushIntervalMs: 60_000 });
    const at = Date.now() - 60_000;
    tracker.trackBandwidthUpload('units', 'huggingface', 1000, { timestamp: at, durationMs: 12, metadata: { k: 1 } });
    tracker.trackBandwidthDownload('units', 'huggingface', 300, { timestamp: new Date(at) });
    tracker.trackStorageUsage('units', 'huggingface', 5000);
    tracker.trackStorageUsage('units', 'huggingface', -1000);
    tracker.setStorageLevel('units', 'huggingface', 10_000);
    tracker.trackStorageUsage('units', 'huggingface', 24);
    tracker.trackApiCall('units', 'huggingface', { success: false, operationId: 'op', apiClass: 'b' });
    tracker.trackCost('units', 'huggingface', 2.5);
    tracker.trackResourceUsage({
      backend: 'units',
      backendType: 'huggingface',
      resourceType: 'operation_cost',
      amount: 7,
    });
    expect(tracker.pendingCount).toBe(9);
    expect(await tracker.flush()).toEqual({ written: 9, duplicates: 0, pending: 0 });
    await tracker.close();

    const [status] = await direct.getBackendStatus('units');
    expect(status?.currentStorageUsageBytes).toBe(10_024);
    const summary = await direct.getUsageSummary({ backend: 'units' });
    expect(summary.totals).toEqual({
      bandwidthUpload: 1000,
      bandwidthDownload: 300,
      storageUsed: 10_024,
      apiCalls: 1,
      operationCostMicros: 25_007,
    });
    const events = await allEvents(direct, 'units');
    const upload = events.find((e) => e.resourceType === 'BANDWIDTH_UPLOAD');
    expect(upload).toMatchObject({ timestamp: new Date(at).toISOString(), durationMs: 12, metadata: { k: 1 } });
    expect(events.find((e) => e.resourceType === 'API_CALLS')).toMatchObject({ success: false, operationId: 'op' });
    // The call's class arrived: a plan pricing class B alone prices it.
    await direct.setPricePlan({
      backend: 'units',
      prices: [{ resource: 'API_CALLS_CLASS_B', tiers: [{ pricePerUnit: '1' }] }],
    });
    const costs = await direct.getCosts({
      backend: 'units',
      range: { from: new Date(at - 60_000).toISOString(), to: new Date().toISOString() },
    });
    expect(costs.backends[0]?.resources).toEqual([{ resource: 'API_CALLS_CLASS_B', units: 1, costMicros: 1_000_000 }]);
  });

  it('splits a batch the server finds too large (413) instead of dropping it', async () => {
    const errors: BytemeterClientError[] = [];
    const tracker = createRemoteTracker({
      url: api.url,
      flushIntervalMs: 60_000,
      batchSize: 100,
      // Size estimation off: every event goes into one request of about 1.5 MiB, over the API's 1 MiB.
      maxBatchBytes: 64 * 1024 * 1024,
      onError: (e) => errors.push(e),
    });
    const blob = 'x'.repeat(15_000);
    for (let i = 0; i < 100; i++) tracker.trackApiCall('big', 'local', { metadata: { i, blob } });
    let result = await tracker.flush();
    while (result.pending > 0 && !result.error) result = await tracker.flush();
    expect(result).toMatchObject({ pending: 0 });
    expect(tracker.stats()).toMatchObject({ written: 100, dropped: 0 });
    await tracker.close();
    const [status] = await direct.getBackendStatus('big');
    expect(status?.backend).toBe('big');
    expect((await allEvents(direct, 'big')).length).toBe(100);
    expect(errors).toEqual([]);
  });

  it('refuses bad input at once and buffers nothing', () => {
    const tracker = createRemoteTracker({ url: api.url });
    const bad: [string, () => void][] = [
      ['amount', () => tracker.trackBandwidthUpload('b', 's3', -1)],
      ['amount', () => tracker.trackBandwidthUpload('b', 's3', 1.5)],
      ['amount', () => tracker.trackBandwidthDownload('b', 's3', Number.NaN)],
      ['amount', () => tracker.trackStorageUsage('b', 's3', 2 ** 53)],
      ['backendType', () => tracker.trackApiCall('b', 'dropbox' as 's3')],
      ['backend', () => tracker.trackApiCall(' b', 's3')],
      ['cents', () => tracker.trackCost('b', 's3', -2)],
      ['cents', () => tracker.trackCost('b', 's3', 0.000001)],
      ['timestamp', () => tracker.trackApiCall('b', 's3', { timestamp: Number.NaN })],
      ['metadata', () => tracker.trackApiCall('b', 's3', { metadata: [] as never })],
      ['durationMs', () => tracker.trackApiCall('b', 's3', { durationMs: -1 })],
      [
        'resourceType',
        () => tracker.trackResourceUsage({ backend: 'b', backendType: 's3', resourceType: 'x' as never, amount: 1 }),
      ],
      ['amount', () => tracker.setStorageLevel('b', 's3', -5)],
    ];
    for (const [field, call] of bad) {
      const error = (() => {
        try {
          call();
        } catch (e) {
          return e;
        }
      })();
      expect(error, field).toBeInstanceOf(ClientValidationError);
      // The client's error is core's ValidationError, with the tracker's code for the same rule.
      expect(error, field).toBeInstanceOf(ValidationError);
      expect(error, field).toMatchObject({ field });
      expect((error as ValidationError).code, field).toMatch(/^INVALID_/);
    }
    tracker.trackApiCall('b', 's3');
    expect(() => tracker.trackApiCall('b', 'ipfs')).toThrow(/fixed when it is first seen/);
    expect(tracker.pendingCount).toBe(1);
    expect(() => createRemoteTracker({ url: api.url, batchSize: 0 })).toThrow(ClientValidationError);
  });

  it('drops events the server refuses, reports them, and stores the rest of their batch', async () => {
    const errors: BytemeterClientError[] = [];
    await direct.trackUsage([{ backend: 'typed', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 }]);
    const tracker = createRemoteTracker({ url: api.url, flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    tracker.trackApiCall('fine', 'local');
    // The server knows "typed" as S3; this process has not seen it, so only the server can refuse it.
    tracker.trackApiCall('typed', 'ipfs');
    tracker.trackApiCall('fine', 'local');
    const result = await tracker.flush();
    expect(result).toEqual({ written: 2, duplicates: 0, pending: 0 });
    expect(tracker.stats().dropped).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'GRAPHQL', count: 1 })]);
    expect(errors[0]?.message).toMatch(/BACKEND_TYPE_CONFLICT/);
    await tracker.close();
  });
});
