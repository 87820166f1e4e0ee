import { request as httpRequest } from 'node:http';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore } from './support/harness.js';

// The real server on a real port: GraphQL over HTTP conformance, /export, /healthz, CORS and body limits.

describe('API over a real port', () => {
  let api: RunningApi;
  let db: TestStore;
  beforeAll(async () => {
    db = await testStore('http');
    api = await startApiServer({
      settings: { ...readSettings({}), port: 0, ...db.settings, corsOrigins: ['http://dash.example'] },
    });
    const r = await post({
      query: `mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }`,
      variables: {
        e: Array.from({ length: 12 }, (_, i) => ({
          id: `x-${i}`,
          backend: i % 2 ? 'photos' : 'pins',
          backendType: i % 2 ? 'S3' : 'IPFS',
          resourceType: 'BANDWIDTH_UPLOAD',
          amount: 100 + i,
          path: i === 3 ? '=cmd|"quoted, comma"' : null,
        })),
      },
    });
    expect(await r.json()).toEqual({ data: { trackUsage: { accepted: 12 } } });
  });
  afterAll(async () => {
    await api.close();
    db.cleanup();
  });

  function post(body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('binds the loopback address', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('passes every MUST of the GraphQL over HTTP audits', async () => {
    const audits = serverAudits({ url: `${api.url}/graphql` });
    const must = audits.filter((a) => a.name.startsWith('MUST'));
    expect(must.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const audit of must) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers /healthz', async () => {
    const r = await fetch(`${api.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('streams /export as CSV, NDJSON and JSON with a download name', async () => {
    const csv = await fetch(`${api.url}/export?format=csv&hoursBack=1`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="bytemeter-usage-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/,
    );
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'id,timestamp,backend,backendType,resourceType,amount,unit,operationId,path,success,durationMs,metadata',
    );
    expect(lines).toHaveLength(13);
    expect(lines.slice(1).every((l) => l.split(',')[6] === 'bytes')).toBe(true);
    expect(lines.find((l) => l.startsWith('x-3,'))).toContain(`"'=cmd|""quoted, comma"""`);

    const ndjson = await fetch(`${api.url}/export?format=ndjson&hoursBack=1&backend=photos`);
    expect(ndjson.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const rows = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { backend: string; amount: number });
    expect(rows.map((r) => r.backend)).toEqual(Array(6).fill('photos'));
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(101 + 103 + 105 + 107 + 109 + 111);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const json = await fetch(`${api.url}/export?format=json&from=${from}&to=${to}`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect((await json.json()) as unknown[]).toHaveLength(12);
  });

  it('narrows /export by backend type, resource, result and path prefix', async () => {
    const rows = async (query: string) => {
      const r = await fetch(`${api.url}/export?format=ndjson&hoursBack=1&${query}`);
      expect(r.status, query).toBe(200);
      return (await r.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string });
    };
    expect((await rows('backendType=IPFS')).map((r) => r.id)).toEqual(['x-0', 'x-2', 'x-4', 'x-6', 'x-8', 'x-10']);
    expect(await rows('resourceType=BANDWIDTH_UPLOAD')).toHaveLength(12);
    expect(await rows('resourceType=api_calls')).toHaveLength(0);
    expect(await rows('success=false')).toHaveLength(0);
    expect((await rows('success=true&pathPrefix=%3Dcmd')).map((r) => r.id)).toEqual(['x-3']);
  });

  it('refuses bad /export parameters with 400 before streaming', async () => {
    for (const query of [
      'format=xml',
      'hoursBack=-3',
      'from=2026-11-27T00:00:00&to=2026-11-28T00:00:00Z',
      'from=2026-11-27T00:00:00Z',
      // Days and times that do not exist are refused, never rolled over to 1 December / 2 March / next day.
      'from=2026-11-30T00:00:00Z&to=2026-11-31T00:00:00Z',
      'from=2025-02-28T00:00:00Z&to=2025-02-30T00:00:00Z',
      'from=2026-11-27T00:00:00Z&to=2026-11-27T24:00:00Z',
      'resourceType=BYTES',
      'backendType=ftp',
      'success=maybe',
      `pathPrefix=${'x'.repeat(4097)}`,
    ]) {
      const r = await fetch(`${api.url}/export?${query}`);
      expect(r.status, query).toBe(400);
      const body = (await r.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('sends CORS headers only to allowed origins', async () => {
    const allowed = await fetch(`${api.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://dash.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dash.example');
    const other = await post({ query: '{ __typename }' }, { origin: 'http://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Each answer depends on Origin, so shared caches must key on it.
    expect(allowed.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(other.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect((await post({ query: '{ __typename }' }, { origin: 'http://dash.example' })).headers.get('vary')).toMatch(
      /\bOrigin\b/,
    );
  });

  it('limits request bodies', async () => {
    const big = await post({ query: `{ __typename } #${'x'.repeat(1024 * 1024)}` });
    expect(big.status).toBe(413);
    const chunked = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"query":"{ __typename }"}'));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });

  it('answers only requests addressed to localhost (no DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${api.url}/healthz`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example:4000')).toBe(421);
    expect(await status(`localhost:${api.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${api.port}`)).toBe(200);
  });

  it('reads only JSON bodies, so a cross-site form cannot run a mutation', async () => {
    const before = await post({ query: '{ usage(hoursBack: 1) { totalCount } }' }).then((r) => r.json());
    const mutation =
      'mutation { trackUsage(events: [{ backend: "x", backendType: S3, resourceType: API_CALLS, amount: 1 }]) { accepted } }';
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
      ['text/plain', JSON.stringify({ query: mutation })],
    ] as const) {
      const r = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(r.status, type).toBe(415);
    }
    const after = await post({ query: '{ usage(hoursBack: 1) { totalCount } }' }).then((r) => r.json());
    expect(after).toEqual(before);
  });

  it('serves usageSummary over HTTP with exact totals', async () => {
    const r = await post({ query: '{ usageSummary { totals { bandwidthUpload } } }' });
    expect(await r.json()).toEqual({ data: { usageSummary: { totals: { bandwidthUpload: 12 * 100 + 66 } } } });
  });
});
