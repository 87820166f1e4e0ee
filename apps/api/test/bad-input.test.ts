import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, createTestApi, type TestApi } from './support/harness.js';

// Every kind of bad input DESIGN.md names gets a BAD_USER_INPUT error (with the tracker's code where the
// tracker refused it) and changes nothing.

const TRACK = `mutation Track($events: [UsageEventInput!]!) {
  trackUsage(events: $events) { accepted duplicates rejected { index code message } }
}`;
const ev = (over: Record<string, unknown> = {}) => ({
  backend: 'b',
  backendType: 'S3',
  resourceType: 'BANDWIDTH_UPLOAD',
  amount: 10,
  ...over,
});

describe('bad input', () => {
  let api: TestApi;
  /** Everything stored, as a fingerprint: compared before and after each refusal. */
  const snapshot = async () => {
    const r = await api.execute<{
      usage: { totalCount: number };
      backends: { name: string }[];
      backendStatus: unknown[];
    }>(
      '{ usage(hoursBack: 48) { totalCount } backends { name type } backendStatus { backend currentStorageUsageBytes } }',
    );
    return r.data;
  };

  beforeAll(async () => {
    api = await createTestApi();
    const seeded = await api.execute(TRACK, {
      events: [ev({ id: 'seed' }), ev({ resourceType: 'STORAGE_USED', amount: 100 })],
    });
    expect(seeded.errors).toBeUndefined();
  });
  afterAll(() => api.close());

  const variableCases: [string, Record<string, unknown>][] = [
    ['fractional bytes', ev({ amount: 1.5 })],
    ['NaN as a string', ev({ amount: 'NaN' })],
    ['amount past 2^53', ev({ amount: 2 ** 53 })],
    ['amount as a string', ev({ amount: '10' })],
    ['unknown backend type', ev({ backendType: 'FTP' })],
    ['unknown resource type', ev({ resourceType: 'BANDWIDTH' })],
    ['timestamp without an offset', ev({ timestamp: '2026-11-27T10:00:00' })],
    ['date-only timestamp', ev({ timestamp: '2026-11-27' })],
    ['impossible timestamp', ev({ timestamp: '2026-02-31T25:00:00Z' })],
  ];
  for (const [name, bad] of variableCases) {
    it(`refuses ${name} as a whole request`, async () => {
      const before = await snapshot();
      const r = await api.execute(TRACK, { events: [ev(), bad] });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.data ?? null).toBeNull();
      expect(await snapshot()).toEqual(before);
    });
  }

  it('reports every event the tracker refuses, with index and code, and stores none of the batch', async () => {
    const before = await snapshot();
    const r = await api.execute<{ trackUsage: { accepted: number; rejected: { index: number; code: string }[] } }>(
      TRACK,
      {
        events: [
          ev(),
          ev({ backendType: 'IPFS' }),
          ev({ amount: -1 }),
          ev({ resourceType: 'STORAGE_USED', amount: -1000 }),
          ev({ backend: '' }),
          ev({ backend: ' padded ' }),
          ev({ metadata: [1, 2] }),
          ev({ timestamp: '1999-12-31T23:59:59Z' }),
          ev({ timestamp: '2999-01-01T00:00:00Z' }),
          ev({ durationMs: -5 }),
          ev({ id: '' }),
        ],
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.trackUsage.accepted).toBe(0);
    expect(r.data?.trackUsage.rejected.map((x) => [x.index, x.code])).toEqual([
      [1, 'BACKEND_TYPE_CONFLICT'],
      [2, 'INVALID_AMOUNT'],
      [3, 'STORAGE_BELOW_ZERO'],
      [4, 'INVALID_BACKEND_NAME'],
      [5, 'INVALID_BACKEND_NAME'],
      [6, 'INVALID_OPTION'],
      [7, 'INVALID_TIMESTAMP'],
      [8, 'INVALID_TIMESTAMP'],
      [9, 'INVALID_OPTION'],
      [10, 'INVALID_OPTION'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an oversize batch whole', async () => {
    const before = await snapshot();
    const r = await api.execute(TRACK, { events: Array.from({ length: 1001 }, () => ev()) });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.extensions?.trackerCode).toBe('BATCH_TOO_LARGE');
    expect(await snapshot()).toEqual(before);
  });

  const queryCases: [string, string, string | undefined][] = [
    [
      'a range with from after to',
      '{ usageSummary(range: { from: "2026-11-27T00:00:00Z", to: "2026-11-26T00:00:00Z" }) { periodStart } }',
      'INVALID_RANGE',
    ],
    [
      'an absurd range',
      '{ usage(range: { from: "1990-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { totalCount } }',
      'RANGE_TOO_LARGE',
    ],
    ['an absurd hoursBack', '{ usage(hoursBack: 2000000) { totalCount } }', 'INVALID_RANGE'],
    ['a negative hoursBack', '{ export(hoursBack: -1) { eventCount } }', 'INVALID_RANGE'],
    ['an unknown time zone', '{ usageSummary(timezone: "Mars/Olympus") { periodStart } }', 'INVALID_TIMEZONE'],
    ['a page size over the maximum', '{ usage(first: 5000) { totalCount } }', 'INVALID_OPTION'],
    ['a forged cursor', '{ usage(after: "not-a-cursor") { totalCount } }', 'INVALID_CURSOR'],
    [
      'a DateTime without offset in a literal',
      '{ usageSummary(at: "2026-11-27T10:00:00") { periodStart } }',
      undefined,
    ],
    ['a DateTime on 31 November', '{ usageSummary(at: "2026-11-31T00:00:00Z") { periodStart } }', undefined],
    ['a DateTime on 30 February', '{ usageSummary(at: "2025-02-30T12:00:00Z") { periodStart } }', undefined],
    ['a DateTime at 24:00:00', '{ usageSummary(at: "2026-11-27T24:00:00Z") { periodStart } }', undefined],
    [
      'an impossible DateTime in a range',
      '{ usage(range: { from: "2026-11-30T00:00:00Z", to: "2026-11-31T00:00:00Z" }) { totalCount } }',
      undefined,
    ],
    [
      'a SafeInt given as a float literal',
      'mutation { setStorageLevel(backend: "b", backendType: S3, bytes: 1.5) { backend } }',
      undefined,
    ],
    [
      'a SafeInt past 2^53 in a literal',
      'mutation { setStorageLevel(backend: "b", backendType: S3, bytes: 9007199254740993) { backend } }',
      undefined,
    ],
    [
      'a negative storage level',
      'mutation { setStorageLevel(backend: "b", backendType: S3, bytes: -1) { backend } }',
      'INVALID_AMOUNT',
    ],
    ['an unknown enum value', '{ usage(resourceType: BYTES) { totalCount } }', undefined],
    ['an unknown field', '{ usage { nope } }', undefined],
    ['a syntax error', '{ usage { ', undefined],
  ];
  for (const [name, query, trackerCode] of queryCases) {
    it(`refuses ${name}`, async () => {
      const before = await snapshot();
      const r = await api.execute(query);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      if (trackerCode) expect(r.errors?.[0]?.extensions?.trackerCode).toBe(trackerCode);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses too deep, too aliased and too costly operations before running them', async () => {
    expect(codes(await api.execute('{ backends { status { backend } } ... on Query { __typename } }'))).toEqual([]);

    // Depth: a query 12 levels deep on real fields (`__type` chains count; `__schema` is bounded otherwise,
    // see limits.test.ts), refused for its depth alone.
    let tooDeep = 'name';
    for (let i = 0; i < 8; i++) tooDeep = `ofType { ${tooDeep} }`;
    const depth = await api.execute(`{ __type(name: "Query") { fields { type { ${tooDeep} } } } }`);
    expect(depth.status).toBe(400);
    expect(depth.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', limit: 'depth' }]);

    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: backends { name }`).join(' ');
    const aliased = await api.execute(`{ ${aliases} }`);
    expect(aliased.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'aliases' });

    // A fragment bomb: each level doubles the fields; 2^12 selections from a short document.
    let fragments = 'fragment F0 on Query { __typename backends { name } }';
    for (let i = 1; i <= 12; i++) fragments += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    const bomb = await api.execute(`{ ...F12 } ${fragments}`);
    expect(bomb.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
  });

  it('refuses an oversize body with 413', async () => {
    const response = await api.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(2 * 1024 * 1024 - 40)}` }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a liveBandwidth interval under 250 ms', async () => {
    const r = await api.execute('subscription { liveBandwidth(intervalMs: 10) { totalMbps } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  });
});
