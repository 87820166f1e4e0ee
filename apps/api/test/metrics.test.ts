import { openTokenStore } from '@bytemeter/tracker';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore } from './support/harness.js';

// /metrics over a real port, read with a real Prometheus text-format parser: per-backend counters equal
// usageSummary's totals, survive a restart, and the API's own requests are counted by operation.

const TRACK = 'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }';
const SUMMARY = '{ usageSummary(period: DAY) { totals { bandwidthUpload bandwidthDownload apiCalls } } }';

describe('/metrics', () => {
  let db: TestStore;
  let api: RunningApi;
  const start = () => startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
  const post = async (query: string, variables?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await r.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };
  let lastText = '';
  const scrape = async (headers: Record<string, string> = {}) => {
    const r = await fetch(`${api.url}/metrics`, { headers });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    lastText = await r.text();
    return parsePrometheusTextFormat(lastText);
  };
  const family = (families: MetricFamily[], name: string) => {
    const found = families.find((f) => f.name === name);
    if (!found) throw new Error(`${name} is missing from the exposition`);
    return found;
  };
  /** The value of the one sample of a family matching the labels. */
  const sampleOf = (families: MetricFamily[], name: string, labels: Record<string, string>) => {
    family(families, name);
    // Every family of that name: without its TYPE line a histogram's series come as one family per label set.
    const sample = families
      .filter((f) => f.name === name)
      .flatMap((f) => f.metrics)
      .find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return sample === undefined ? undefined : Number(sample.value);
  };
  const sumOf = (families: MetricFamily[], name: string) =>
    family(families, name).metrics.reduce((n, m) => n + Number(m.value), 0);

  beforeAll(async () => {
    db = await testStore('metrics');
    api = await start();
  });
  afterAll(async () => {
    await api.close();
    db.cleanup();
  });

  it('exposes per-backend totals equal to usageSummary, and they survive a restart', async () => {
    const ev = (backend: string, backendType: string, resourceType: string, amount: number, success = true) => ({
      backend,
      backendType,
      resourceType,
      amount,
      success,
    });
    expect(
      await post(TRACK, {
        e: [
          ev('photos', 'S3', 'BANDWIDTH_UPLOAD', 4096),
          ev('photos', 'S3', 'BANDWIDTH_UPLOAD', 1000),
          ev('photos', 'S3', 'BANDWIDTH_DOWNLOAD', 512),
          ev('photos', 'S3', 'API_CALLS', 1),
          ev('photos', 'S3', 'API_CALLS', 1, false),
          ev('models', 'HUGGINGFACE', 'BANDWIDTH_DOWNLOAD', 70_000),
          ev('models', 'HUGGINGFACE', 'API_CALLS', 3),
          ev('photos', 'S3', 'STORAGE_USED', 9000),
        ],
      }),
    ).toEqual({ data: { trackUsage: { accepted: 8 } } });

    const totals = (await post(SUMMARY)).data?.usageSummary.totals;
    const families = await scrape();
    expect(family(families, 'bytemeter_backend_upload_bytes_total').type).toBe('COUNTER');
    expect(sumOf(families, 'bytemeter_backend_upload_bytes_total')).toBe(totals.bandwidthUpload);
    expect(sumOf(families, 'bytemeter_backend_download_bytes_total')).toBe(totals.bandwidthDownload);
    expect(sumOf(families, 'bytemeter_backend_api_calls_total')).toBe(totals.apiCalls);
    const photos = { backend: 'photos', type: 's3' };
    expect(sampleOf(families, 'bytemeter_backend_upload_bytes_total', photos)).toBe(5096);
    expect(sampleOf(families, 'bytemeter_backend_api_calls_failed_total', photos)).toBe(1);
    expect(
      sampleOf(families, 'bytemeter_backend_download_bytes_total', { backend: 'models', type: 'huggingface' }),
    ).toBe(70_000);
    expect(sampleOf(families, 'bytemeter_backend_storage_bytes', photos)).toBe(9000);
    expect(family(families, 'bytemeter_backend_storage_bytes').type).toBe('GAUGE');
    // Exactly one health status is 1 per backend.
    const health = family(families, 'bytemeter_backend_health').metrics.filter((m) => m.labels?.backend === 'photos');
    expect(health.map((m) => m.labels?.status).sort()).toEqual(['degraded', 'healthy', 'idle', 'unhealthy']);
    expect(health.filter((m) => m.value === '1')).toHaveLength(1);

    // A restart: the counters come from the database, not from this process's memory.
    await api.close();
    api = await start();
    const again = await scrape();
    for (const name of [
      'bytemeter_backend_upload_bytes_total',
      'bytemeter_backend_download_bytes_total',
      'bytemeter_backend_api_calls_total',
      'bytemeter_backend_api_calls_failed_total',
    ]) {
      expect(sumOf(again, name), name).toBe(sumOf(families, name));
    }
  });

  it("shows this month's computed cost per priced backend and its month-end forecast, as `costs` says", async () => {
    const plan = {
      backend: 'photos',
      prices: [{ resource: 'DOWNLOAD', tiers: [{ pricePerUnit: '1000' }] }],
    };
    const set = await post('mutation($p: PricePlanInput!) { setPricePlan(plan: $p) { backend } }', { p: plan });
    expect(set.errors).toBeUndefined();
    expect(
      await post(TRACK, {
        e: [{ backend: 'photos', backendType: 'S3', resourceType: 'BANDWIDTH_DOWNLOAD', amount: 3 << 20 }],
      }),
    ).toEqual({ data: { trackUsage: { accepted: 1 } } });
    const costs = (
      await post(
        `{ costs(period: MONTH, timezone: "UTC") {
          backends { backend computedCostMicros hasPlan } forecast { monthEndMicros } } }`,
      )
    ).data?.costs as { backends: { backend: string; computedCostMicros: number; hasPlan: boolean }[] };
    const photos = costs.backends.find((b) => b.backend === 'photos')!;
    expect(photos.hasPlan).toBe(true);
    expect(photos.computedCostMicros).toBeGreaterThan(0);
    const families = await scrape();
    const name = 'bytemeter_backend_computed_cost_this_month_micros';
    expect(family(families, name).type).toBe('GAUGE');
    expect(sampleOf(families, name, { backend: 'photos', type: 's3' })).toBe(photos.computedCostMicros);
    // Backends without a plan have no computed cost to show (0 would read as "free").
    expect(sampleOf(families, name, { backend: 'models' })).toBeUndefined();
    const forecast = sumOf(families, 'bytemeter_computed_cost_month_end_forecast_micros');
    expect(forecast).toBeGreaterThanOrEqual(photos.computedCostMicros);
  });

  it("counts and times the API's own requests by operation", async () => {
    const before = await scrape();
    const count = (families: MetricFamily[], operation: string, outcome: string) =>
      sampleOf(families, 'bytemeter_api_requests_total', { operation, outcome }) ?? 0;
    await post(SUMMARY);
    await post(SUMMARY);
    await post('{ usageSummary(period: DAY) { nope } }');
    await post('{ backends { name } }');
    const after = await scrape();
    expect(count(after, 'usageSummary', 'ok') - count(before, 'usageSummary', 'ok')).toBe(2);
    expect(count(after, 'backends', 'ok') - count(before, 'backends', 'ok')).toBe(1);
    expect(count(after, 'invalid', 'error') - count(before, 'invalid', 'error')).toBe(1);
    expect(family(after, 'bytemeter_api_request_duration_seconds').type).toBe('HISTOGRAM');
    // The parser merges a labelled histogram's series into one sample; without the TYPE line it reads
    // the _count and _sum series as plain samples, labels intact.
    const untyped = parsePrometheusTextFormat(
      lastText.replace(/^# TYPE bytemeter_api_request_duration_seconds histogram$/m, ''),
    );
    const op = { operation: 'usageSummary', type: 'query' };
    expect(sampleOf(untyped, 'bytemeter_api_request_duration_seconds_count', op)).toBeGreaterThanOrEqual(2);
    expect(sampleOf(untyped, 'bytemeter_api_request_duration_seconds_sum', op)).toBeGreaterThan(0);
    // Node's process metrics come along (prom-client's defaults).
    expect(after.some((f) => f.name === 'process_cpu_seconds_total')).toBe(true);
  });

  it('follows the token rules of the other routes', async () => {
    const tokens = await openTokenStore(db.options);
    try {
      const read = (await tokens.create({ scopes: 'read' })).secret;
      const ingest = (await tokens.create({ scopes: 'ingest' })).secret;
      // The server's token cache answers a new first token within its documented 1 s bound.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${ingest}` } })).status).toBe(403);
      await scrape({ authorization: `Bearer ${read}` });
    } finally {
      await tokens.close();
    }
  });
});
