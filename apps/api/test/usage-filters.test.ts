import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, createTestApi, type TestApi } from './support/harness.js';

// The explorer's filters and paging over GraphQL: success and pathPrefix on usage and export, totals of the
// filtered rows, and backward paging (last/before) that meets forward paging exactly.

const TRACK = `mutation Track($events: [UsageEventInput!]!) { trackUsage(events: $events) { accepted } }`;

interface Page {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  totalCount: number;
  totals: { resourceType: string; totalAmount: number; operationCount: number; formattedAmount: string }[];
}
const PAGE = `nodes { id } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } totalCount
  totals { resourceType totalAmount operationCount formattedAmount }`;

describe('usage and export filters', () => {
  let api: TestApi;
  const now = Date.now();

  beforeAll(async () => {
    api = await createTestApi({ exportCap: 100 });
    // 20 events, one a second, e0 the oldest: even ones are uploads under cats/, odd ones API calls under
    // dogs/ of which every third failed.
    const events = Array.from({ length: 20 }, (_, i) => ({
      id: `e${i}`,
      backend: i < 10 ? 'photos' : 'pins',
      backendType: i < 10 ? 'S3' : 'IPFS',
      resourceType: i % 2 === 0 ? 'BANDWIDTH_UPLOAD' : 'API_CALLS',
      amount: i % 2 === 0 ? 1024 * (i + 1) : 1,
      path: i % 2 === 0 ? `cats/${i}.jpg` : `dogs/${i}`,
      success: i % 2 === 0 || i % 3 !== 0,
      timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
    }));
    const r = await api.execute<{ trackUsage: { accepted: number } }>(TRACK, { events });
    expect(r.data?.trackUsage.accepted).toBe(20);
  });
  afterAll(() => api.close());

  const usage = async (args: string) => {
    const r = await api.execute<{ usage: Page }>(`{ usage(hoursBack: 1, ${args}) { ${PAGE} } }`);
    expect(r.errors).toBeUndefined();
    return r.data!.usage;
  };
  const ids = (p: Page) => p.nodes.map((n) => n.id);

  it('filters failed operations and paths by prefix, with totals of every matching row', async () => {
    const failed = await usage('success: false');
    expect(ids(failed)).toEqual(['e15', 'e9', 'e3']);
    expect(failed.totals).toEqual([
      { resourceType: 'API_CALLS', totalAmount: 3, operationCount: 3, formattedAmount: '3 calls' },
    ]);
    const cats = await usage('pathPrefix: "cats/1", first: 2');
    // cats/10.jpg … cats/18.jpg: five events, two on this page, totals over all five.
    expect(cats.totalCount).toBe(5);
    expect(ids(cats)).toEqual(['e18', 'e16']);
    expect(cats.totals).toEqual([
      {
        resourceType: 'BANDWIDTH_UPLOAD',
        totalAmount: 1024 * (11 + 13 + 15 + 17 + 19),
        operationCount: 5,
        formattedAmount: '75.00 KiB',
      },
    ]);
    expect((await usage('pathPrefix: "CATS/"')).totalCount).toBe(0);
    expect((await usage('pathPrefix: "dogs/", success: true, backend: "pins"')).totalCount).toBe(4);
  });

  it('jumps to the oldest page and walks back to the newest with stable cursors', async () => {
    const last = await usage('last: 6');
    expect(ids(last)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(last.pageInfo.hasPreviousPage).toBe(true);
    // A newer event lands meanwhile: the cursors still lead to the same neighbours.
    await api.execute(TRACK, {
      events: [{ id: 'late', backend: 'pins', backendType: 'IPFS', resourceType: 'API_CALLS', amount: 1 }],
    });
    const newer = await usage(`last: 6, before: "${last.pageInfo.startCursor}"`);
    expect(ids(newer)).toEqual(['e11', 'e10', 'e9', 'e8', 'e7', 'e6']);
    expect(newer.pageInfo.hasNextPage).toBe(true);
    const older = await usage(`first: 6, after: "${newer.pageInfo.endCursor}"`);
    expect(ids(older)).toEqual(ids(last));
    const first = await usage('first: 6');
    expect(ids(first)).toEqual(['late', 'e19', 'e18', 'e17', 'e16', 'e15']);
    expect(first.pageInfo.hasPreviousPage).toBe(false);
    expect(first.pageInfo.startCursor).toBeNull();
  });

  it('exports by resource, result and path prefix', async () => {
    const r = await api.execute<{ export: { eventCount: number; content: string } }>(
      '{ export(hoursBack: 1, format: CSV, resourceType: API_CALLS, success: false, pathPrefix: "dogs/") { eventCount content } }',
    );
    expect(r.errors).toBeUndefined();
    const lines = r.data!.export.content.trim().split('\n');
    expect(lines[0]).toBe(
      'id,timestamp,backend,backendType,resourceType,amount,unit,operationId,path,success,durationMs,metadata',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['e3', 'e9', 'e15']);
    expect(lines.slice(1).every((l) => l.split(',')[6] === 'calls')).toBe(true);
    expect(r.data!.export.eventCount).toBe(3);
    const s3 = await api.execute<{ export: { eventCount: number } }>(
      '{ export(hoursBack: 1, backendType: S3, resourceType: BANDWIDTH_UPLOAD) { eventCount } }',
    );
    expect(s3.data?.export.eventCount).toBe(5);
  });

  const refused: [string, string, string | undefined][] = [
    ['after with before', '{ usage(after: "MTox", before: "MTox") { totalCount } }', 'INVALID_OPTION'],
    ['after with last', '{ usage(after: "MTox", last: 3) { totalCount } }', 'INVALID_OPTION'],
    ['a backward page over the maximum', '{ usage(last: 5000) { totalCount } }', 'INVALID_OPTION'],
    ['a forged before cursor', '{ usage(before: "nope") { totalCount } }', 'INVALID_CURSOR'],
    ['an over-long path prefix', `{ usage(pathPrefix: "${'x'.repeat(4097)}") { totalCount } }`, 'INVALID_OPTION'],
    ['an over-long export prefix', `{ export(pathPrefix: "${'x'.repeat(4097)}") { eventCount } }`, 'INVALID_OPTION'],
    ['success as text', '{ usage(success: "no") { totalCount } }', undefined],
    ['an unknown export resource', '{ export(resourceType: BYTES) { eventCount } }', undefined],
  ];
  for (const [name, query, trackerCode] of refused) {
    it(`refuses ${name} with a typed error`, async () => {
      const r = await api.execute(query);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      if (trackerCode) expect(r.errors?.[0]?.extensions?.trackerCode).toBe(trackerCode);
    });
  }
});
