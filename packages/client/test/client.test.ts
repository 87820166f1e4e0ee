import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker, openTokenStore, type ResourceTracker } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BytemeterClient,
  createBytemeterClient,
  GraphQLRequestError,
  NetworkError,
  type UsageEvent,
  type UsageEventInput,
} from '../src/index.js';

// The SDK against the built API running as its own process on SQLite; every answer is checked against
// the tracker reading the same database file directly.

const HOUR = 3_600_000;
const now = Date.now();
const base = now - 3 * HOUR;
const range = { from: new Date(base - HOUR).toISOString(), to: new Date(now + 60_000).toISOString() };

const events: UsageEventInput[] = Array.from({ length: 57 }, (_, i) => ({
  id: `seed-${i}`,
  timestamp: new Date(base + i * 60_000).toISOString(),
  backend: i % 3 === 0 ? 'pins' : 'photos',
  backendType: i % 3 === 0 ? 'IPFS' : 'S3',
  resourceType: (['BANDWIDTH_UPLOAD', 'BANDWIDTH_DOWNLOAD', 'API_CALLS'] as const)[i % 3]!,
  amount: i % 3 === 2 ? 1 : 1000 + i,
  success: i % 7 !== 0,
  path: `obj/${i}`,
}));

/** Every page of an iteration (the lib target has no Array.fromAsync). */
async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('the client against a real API process', () => {
  let api: ApiProcess;
  let client: BytemeterClient;
  let tracker: ResourceTracker;

  beforeAll(async () => {
    api = await startApiProcess();
    client = createBytemeterClient({ url: api.url });
    expect(await client.trackUsage(events)).toEqual({ accepted: 57, duplicates: 0, rejected: [] });
    await client.setStorageLevel({
      backend: 'photos',
      backendType: 'S3',
      bytes: 4096,
      at: new Date(now).toISOString(),
    });
    tracker = openResourceTracker({ path: api.dbPath, flushOnExit: false });
  });
  afterAll(async () => {
    await client?.close();
    await tracker?.close();
    await api?.stop();
  });

  it('counts a resent batch once', async () => {
    expect(await client.trackUsage(events.slice(0, 5))).toEqual({ accepted: 0, duplicates: 5, rejected: [] });
  });

  it('getUsageSummary equals the tracker summary of the same range', async () => {
    const summary = await client.getUsageSummary({ range, timezone: 'Asia/Kolkata' });
    const local = await tracker.getResourceSummary({
      from: new Date(range.from),
      to: new Date(range.to),
      timezone: 'Asia/Kolkata',
    });
    expect(summary.totals).toEqual(local.totals);
    expect(summary.totals.bandwidthUpload).toBe(
      events.filter((e) => e.resourceType === 'BANDWIDTH_UPLOAD').reduce((s, e) => s + e.amount, 0),
    );
    expect(summary.periodStart).toBe(local.periodStart);
    expect(summary.backends.map((b) => [b.name, b.type])).toEqual(
      Object.entries(local.backends).map(([name, b]) => [name, b.backendType.toUpperCase()]),
    );
    const photos = summary.backends.find((b) => b.name === 'photos');
    const download = photos?.resources.find((r) => r.resourceType === 'BANDWIDTH_DOWNLOAD');
    expect(download).toMatchObject(local.backends.photos!.resources.bandwidth_download!);
  });

  it('getUsage iterates every page, newest first, with each event once', async () => {
    const seen: UsageEvent[] = [];
    let pages = 0;
    for await (const page of client.getUsage({ range, pageSize: 10, resourceType: 'BANDWIDTH_UPLOAD' })) {
      pages++;
      expect(page.totalCount).toBe(19);
      seen.push(...page.nodes);
    }
    expect(pages).toBe(2);
    expect(seen.map((e) => e.id)).toEqual(
      events
        .filter((e) => e.resourceType === 'BANDWIDTH_UPLOAD')
        .map((e) => e.id)
        .reverse(),
    );
    expect(seen[0]).toMatchObject({ backend: 'pins', backendType: 'IPFS', path: 'obj/54', amount: 1054 });
  });

  it('getBackendStatus, getBackends and getBackend match the tracker', async () => {
    const statuses = await client.getBackendStatus();
    const local = await tracker.getBackendStatus();
    expect(statuses.map((s) => s.backend).sort()).toEqual(Object.keys(local).sort());
    const photos = statuses.find((s) => s.backend === 'photos')!;
    expect(photos.currentStorageUsageBytes).toBe(4096);
    expect(photos.healthStatus).toBe(local.photos!.healthStatus.toUpperCase());
    expect(photos.errorRate).toBe(local.photos!.errorRate);
    expect(await client.getBackendStatus('nope')).toEqual([]);
    const backends = await client.getBackends();
    expect(backends.map((b) => [b.name, b.type, b.status.backend])).toEqual(
      (await tracker.getBackends()).map((b) => [b.name, b.type.toUpperCase(), b.name]),
    );
    expect((await client.getBackend('pins'))?.type).toBe('IPFS');
    expect(await client.getBackend('nope')).toBeNull();
  });

  it('getTimeSeries equals the tracker series', async () => {
    const series = await client.getTimeSeries({
      resourceType: 'BANDWIDTH_DOWNLOAD',
      granularity: 'HOUR',
      range,
      timezone: 'Asia/Kathmandu',
    });
    const local = await tracker.getTimeSeries({
      resourceType: 'bandwidth_download',
      granularity: 'hour',
      from: new Date(range.from),
      to: new Date(range.to),
      timezone: 'Asia/Kathmandu',
    });
    expect(series.map((p) => [p.bucketStart, p.backend, p.totalAmount, p.operationCount])).toEqual(
      local.map((p) => [p.bucketStart, p.backend, p.totalAmount, p.operationCount]),
    );
    expect(series.reduce((s, p) => s + p.totalAmount, 0)).toBe(
      events.filter((e) => e.resourceType === 'BANDWIDTH_DOWNLOAD').reduce((s, e) => s + e.amount, 0),
    );
  });

  it('getUsage can start from the oldest page (last) and goes on to older pages only', async () => {
    const uploads = events.filter((e) => e.resourceType === 'BANDWIDTH_UPLOAD').map((e) => e.id);
    const pages: string[][] = [];
    for await (const page of client.getUsage({ range, pageSize: 5, resourceType: 'BANDWIDTH_UPLOAD', last: 5 })) {
      pages.push(page.nodes.map((n) => n.id));
      expect(page.totals).toEqual([expect.objectContaining({ resourceType: 'BANDWIDTH_UPLOAD', operationCount: 19 })]);
    }
    // The oldest five, newest first, and nothing after them.
    expect(pages).toEqual([uploads.slice(0, 5).reverse()]);
    // From a newer page's startCursor (`before`), then on to older pages: each event once, in order.
    const [, second] = await collect(client.getUsage({ range, pageSize: 5, resourceType: 'BANDWIDTH_UPLOAD' }));
    const seen: string[] = [];
    for await (const page of client.getUsage({
      range,
      pageSize: 5,
      resourceType: 'BANDWIDTH_UPLOAD',
      before: second!.pageInfo.startCursor,
    })) {
      seen.push(...page.nodes.map((n) => n.id));
    }
    expect(seen).toEqual([...uploads].reverse());
  });

  it('narrows exports and pages by result and path prefix', async () => {
    const keep = (e: UsageEventInput) => e.success === false && e.path?.startsWith('obj/2') === true;
    const stream = await client.exportUsage({ format: 'ndjson', range, success: false, pathPrefix: 'obj/2' });
    let text = '';
    for await (const chunk of stream) text += chunk;
    const ids = text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(events.filter(keep).map((e) => e.id));
    expect(ids.length).toBeGreaterThan(0);
    const byResource = await client.exportUsage({ format: 'csv', range, resourceType: 'API_CALLS' });
    let csv = '';
    for await (const chunk of byResource) csv += chunk;
    const rows = csv.trim().split('\n').slice(1);
    expect(rows).toHaveLength(events.filter((e) => e.resourceType === 'API_CALLS').length);
    expect(rows.every((r) => r.split(',')[6] === 'calls')).toBe(true);
    const [page] = await collect(client.getUsage({ range, success: false, pathPrefix: 'obj/2' }));
    expect(page!.nodes.map((n) => n.id)).toEqual(
      events
        .filter(keep)
        .map((e) => e.id)
        .reverse(),
    );
  });

  it('exportUsage streams /export; the inline export field agrees', async () => {
    const stream = await client.exportUsage({ format: 'ndjson', range, backend: 'pins' });
    expect(stream.filename).toMatch(/^bytemeter-usage-.*\.ndjson$/);
    let text = '';
    for await (const chunk of stream) text += chunk;
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(rows.map((r) => r.id)).toEqual(events.filter((e) => e.backend === 'pins').map((e) => e.id));
    const inline = await client.getExportDocument({ format: 'NDJSON', range, backend: 'pins' });
    expect(inline.content).toBe(text);
    expect(inline.eventCount).toBe(rows.length);
  });

  it('a refused export rejects before streaming', async () => {
    await expect(client.exportUsage({ format: 'csv', hoursBack: -1 })).rejects.toMatchObject({
      code: 'GRAPHQL',
      graphqlCode: 'BAD_USER_INPUT',
    });
  });

  it('throws GraphQLRequestError with the API code and the tracker code for bad arguments', async () => {
    const error = await client.getUsageSummary({ timezone: 'Mars/Olympus' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ graphqlCode: 'BAD_USER_INPUT', trackerCode: 'INVALID_TIMEZONE', retryable: false });
    const refused = await client.trackUsage([{ ...events[1]!, id: 'clash', backendType: 'LOCAL' }]);
    expect(refused.accepted).toBe(0);
    expect(refused.rejected).toEqual([expect.objectContaining({ index: 0, code: 'BACKEND_TYPE_CONFLICT' })]);
  });

  it('checkHealth answers; an unreachable server is a retryable NetworkError that says what to do', async () => {
    await expect(client.checkHealth()).resolves.toBeUndefined();
    const down = createBytemeterClient({ url: 'http://127.0.0.1:9/graphql' });
    const error = await down.getBackends().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect((error as Error).message).toMatch(/Cannot reach the bytemeter API at http:\/\/127\.0\.0\.1:9\/graphql/);
  });

  it('uses the fetch it is given', async () => {
    const urls: string[] = [];
    const counting = createBytemeterClient({
      url: api.url,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await counting.getBackends();
    await counting.checkHealth();
    expect(urls).toEqual([`${api.url}/graphql`, `${api.url}/healthz`]);
  });

  it('sets, lists, prices with and deletes a plan; costs match the tracker on the same file', async () => {
    const templates = await client.getPricePlanTemplates();
    expect(templates.map((t) => t.name)).toEqual(['aws-s3-standard-us-east-1', 'cloudflare-r2-standard']);
    const plan = await client.setPricePlan({
      backend: 'photos',
      prices: [
        { resource: 'UPLOAD', tiers: [{ pricePerUnit: '1000' }] },
        { resource: 'DOWNLOAD', tiers: [{ pricePerUnit: '2000' }] },
        { resource: 'API_CALLS_UNCLASSIFIED', tiers: [{ pricePerUnit: '0.001' }] },
      ],
    });
    expect(plan).toMatchObject({ backend: 'photos', timezone: 'UTC', template: null, effectiveFrom: null });
    expect(await client.getPricePlans()).toEqual([plan]);
    const costs = await client.getCosts({ range });
    const direct = await tracker.getCosts({ from: new Date(range.from), to: new Date(range.to) });
    const photos = costs.backends.find((b) => b.backend === 'photos')!;
    const directPhotos = direct.backends.find((b) => b.backend === 'photos')!;
    expect(photos.hasPlan).toBe(true);
    expect(photos.computedCostMicros).toBe(directPhotos.computedCostMicros);
    expect(photos.computedCostMicros).toBeGreaterThan(0);
    expect(photos.resources.map((r) => r.resource)).toEqual(['UPLOAD', 'DOWNLOAD', 'API_CALLS_UNCLASSIFIED']);
    expect(costs.backends.find((b) => b.backend === 'pins')).toMatchObject({ hasPlan: false, computedCostMicros: 0 });
    expect(await client.deletePricePlan('photos')).toBe(true);
    expect(await client.getPricePlans()).toEqual([]);
    await expect(
      client.setPricePlan({ backend: 'photos', prices: [{ resource: 'STORAGE', tiers: [{ pricePerUnit: '1e-3' }] }] }),
    ).rejects.toBeInstanceOf(GraphQLRequestError);
    expect(await client.getPricePlans()).toEqual([]);
  });
});

describe('the client with API tokens', () => {
  let api: ApiProcess;
  let secrets: { read: string; ingest: string };

  beforeAll(async () => {
    api = await startApiProcess();
    const store = await openTokenStore({ path: api.dbPath });
    secrets = {
      read: (await store.create({ scopes: 'read' })).secret,
      ingest: (await store.create({ scopes: 'ingest' })).secret,
    };
    await store.close();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('sends the bearer token on queries, exports and subscriptions', async () => {
    const anonymous = createBytemeterClient({ url: api.url });
    await expect(anonymous.getBackends()).rejects.toMatchObject({ graphqlCode: 'UNAUTHENTICATED', status: 401 });
    await expect(anonymous.exportUsage()).rejects.toMatchObject({ graphqlCode: 'UNAUTHENTICATED' });

    const reader = createBytemeterClient({ url: api.url, token: secrets.read });
    expect(await reader.getBackends()).toEqual([]);
    await expect(reader.trackUsage([events[0]!])).rejects.toMatchObject({ graphqlCode: 'FORBIDDEN' });

    const writer = createBytemeterClient({ url: api.url, token: secrets.ingest });
    expect((await writer.trackUsage([events[0]!])).accepted).toBe(1);
    const stream = await reader.exportUsage({ format: 'csv', range });
    let csv = '';
    for await (const chunk of stream) csv += chunk;
    expect(csv.trim().split('\n')).toHaveLength(2);

    const denied = anonymous.subscribeUsageEvents();
    await expect(denied.next()).rejects.toMatchObject({ graphqlCode: 'UNAUTHENTICATED' });
  });
});
