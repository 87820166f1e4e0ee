import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, createTestApi, gql, type TestApi } from './support/harness.js';

const TRACK = `mutation Track($events: [UsageEventInput!]!) {
  trackUsage(events: $events) { accepted duplicates rejected { index code message } }
}`;

describe('queries and mutations over a real tracker', () => {
  let api: TestApi;
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();

  beforeAll(async () => {
    api = await createTestApi({ exportCap: 5 });
    const events = [
      {
        id: 'e1',
        backend: 'photos',
        backendType: 'S3',
        resourceType: 'BANDWIDTH_UPLOAD',
        amount: 1000,
        timestamp: at(60_000),
      },
      {
        id: 'e2',
        backend: 'photos',
        backendType: 'S3',
        resourceType: 'BANDWIDTH_UPLOAD',
        amount: 24,
        timestamp: at(50_000),
      },
      {
        id: 'e3',
        backend: 'photos',
        backendType: 'S3',
        resourceType: 'BANDWIDTH_DOWNLOAD',
        amount: 7,
        timestamp: at(40_000),
      },
      {
        id: 'e4',
        backend: 'pins',
        backendType: 'IPFS',
        resourceType: 'API_CALLS',
        amount: 1,
        success: false,
        timestamp: at(30_000),
      },
      {
        id: 'e5',
        backend: 'pins',
        backendType: 'IPFS',
        resourceType: 'STORAGE_USED',
        amount: 5000,
        timestamp: at(20_000),
      },
      {
        id: 'e6',
        backend: 'pins',
        backendType: 'IPFS',
        resourceType: 'OPERATION_COST',
        amount: 1_500_000,
        metadata: { plan: 'pro' },
        timestamp: at(10_000),
      },
    ];
    const r = await api.execute<{ trackUsage: { accepted: number; duplicates: number } }>(TRACK, { events });
    expect(r.errors).toBeUndefined();
    expect(r.data?.trackUsage).toEqual({ accepted: 6, duplicates: 0, rejected: [] });
  });
  afterAll(() => api.close());

  it('trackUsage is idempotent by id', async () => {
    const again = [
      { id: 'e1', backend: 'photos', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 1000 },
      { id: 'e7', backend: 'photos', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 },
    ];
    const r = await api.execute<{ trackUsage: unknown }>(TRACK, { events: again });
    expect(r.data?.trackUsage).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const s = await api.execute<{ usageSummary: { totals: { bandwidthUpload: number; apiCalls: number } } }>(
      '{ usageSummary(period: DAY) { totals { bandwidthUpload apiCalls } } }',
    );
    expect(s.data?.usageSummary.totals).toEqual({ bandwidthUpload: 1024, apiCalls: 2 });
  });

  it('usageSummary lists backends and resources with formatted amounts', async () => {
    const r = await api.execute<{
      usageSummary: {
        period: string;
        timezone: string;
        backends: {
          name: string;
          type: string;
          resources: { resourceType: string; totalAmount: number; operationCount: number; formattedAmount: string }[];
        }[];
      };
    }>(
      `{ usageSummary(range: { from: "${at(3_600_000)}", to: "${at(-1000)}" }, timezone: "Asia/Kolkata") {
          period timezone periodStart periodEnd
          backends { name type resources { resourceType totalAmount operationCount formattedAmount minAmount maxAmount avgAmount } }
        } }`,
    );
    expect(r.errors).toBeUndefined();
    const summary = r.data!.usageSummary;
    expect(summary.period).toBeNull();
    expect(summary.timezone).toBe('Asia/Kolkata');
    const photos = summary.backends.find((b) => b.name === 'photos')!;
    expect(photos.type).toBe('S3');
    expect(photos.resources.find((x) => x.resourceType === 'BANDWIDTH_UPLOAD')).toMatchObject({
      totalAmount: 1024,
      operationCount: 2,
      formattedAmount: '1.00 KiB',
    });
    const pins = summary.backends.find((b) => b.name === 'pins')!;
    expect(pins.resources.find((x) => x.resourceType === 'OPERATION_COST')?.totalAmount).toBe(1_500_000);
  });

  it('usage pages newest first with a cursor', async () => {
    const Page = gql<
      {
        usage: {
          nodes: { id: string; amount: number; metadata: unknown }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          totalCount: number;
        };
      },
      { after?: string | null }
    >(
      'query Page($after: String) { usage(first: 4, after: $after) { nodes { id amount metadata } pageInfo { hasNextPage endCursor } totalCount } }',
    );
    const first = await api.executeOperation(Page);
    expect(first.data?.usage.totalCount).toBe(7);
    expect(first.data?.usage.nodes.map((n) => n.id)).toEqual(['e7', 'e6', 'e5', 'e4']);
    expect(first.data?.usage.nodes[1]?.metadata).toEqual({ plan: 'pro' });
    expect(first.data?.usage.pageInfo.hasNextPage).toBe(true);
    const second = await api.executeOperation(Page, { after: first.data?.usage.pageInfo.endCursor ?? null });
    expect(second.data?.usage.nodes.map((n) => n.id)).toEqual(['e3', 'e2', 'e1']);
    expect(second.data?.usage.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('backendStatus, backends and backend', async () => {
    const r = await api.execute<{
      backendStatus: { backend: string; currentStorageUsageBytes: number; errorRate: number; healthReason: string }[];
      backends: { name: string; status: { backendType: string } }[];
      one: { name: string; type: string } | null;
      none: unknown;
      unknown: unknown[];
    }>(
      `{ backendStatus { backend backendType currentStorageUsageBytes errorRate healthStatus healthReason isActive currentBandwidthUsageMbps lastOperationAt }
         backends { name type createdAt status { backendType } }
         one: backend(name: "pins") { name type }
         none: backend(name: "nope") { name }
         unknown: backendStatus(backend: "nope") { backend } }`,
    );
    expect(r.errors).toBeUndefined();
    const pins = r.data!.backendStatus.find((s) => s.backend === 'pins')!;
    expect(pins.currentStorageUsageBytes).toBe(5000);
    expect(pins.errorRate).toBeGreaterThan(0);
    expect(pins.healthReason).toMatch(/^\d+ of \d+ calls? failed in the last 15 min/);
    expect(r.data!.backends.map((b) => [b.name, b.status.backendType])).toEqual([
      ['photos', 'S3'],
      ['pins', 'IPFS'],
    ]);
    expect(r.data!.one).toEqual({ name: 'pins', type: 'IPFS' });
    expect(r.data!.none).toBeNull();
    expect(r.data!.unknown).toEqual([]);
  });

  it('setStorageLevel records an absolute level', async () => {
    const r = await api.execute<{ setStorageLevel: { currentStorageUsageBytes: number } }>(
      'mutation { setStorageLevel(backend: "pins", backendType: IPFS, bytes: 1234) { backend currentStorageUsageBytes } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.setStorageLevel.currentStorageUsageBytes).toBe(1234);
    const wrongType = await api.execute(
      'mutation { setStorageLevel(backend: "pins", backendType: S3, bytes: 1) { backend } }',
    );
    expect(codes(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(wrongType.errors?.[0]?.extensions?.trackerCode).toBe('BACKEND_TYPE_CONFLICT');
  });

  it('timeSeries buckets one resource per backend', async () => {
    const r = await api.execute<{ timeSeries: { backend: string; totalAmount: number; operationCount: number }[] }>(
      `{ timeSeries(resourceType: BANDWIDTH_UPLOAD, granularity: DAY, range: { from: "${at(3 * 86_400_000)}", to: "${at(-60_000)}" }) { bucketStart backend resourceType totalAmount operationCount } }`,
    );
    expect(r.errors).toBeUndefined();
    const total = r.data!.timeSeries.reduce((sum, p) => sum + p.totalAmount, 0);
    expect(total).toBe(1024);
    expect(new Set(r.data!.timeSeries.map((p) => p.backend))).toEqual(new Set(['photos']));
  });

  it('export returns a small document and refuses a range over the cap', async () => {
    const small = await api.execute<{
      export: { format: string; filename: string; contentType: string; eventCount: number; content: string };
    }>('{ export(hoursBack: 1, format: CSV, backend: "photos") { format filename contentType eventCount content } }');
    expect(small.errors).toBeUndefined();
    expect(small.data?.export.eventCount).toBe(4);
    expect(small.data?.export.filename).toMatch(/^bytemeter-usage-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    expect(small.data?.export.content.trim().split('\n')).toHaveLength(5);
    const big = await api.execute('{ export(hoursBack: 1) { eventCount } }');
    expect(codes(big)).toEqual(['BAD_USER_INPUT']);
    expect(big.errors?.[0]?.extensions?.trackerCode).toBe('RANGE_TOO_LARGE');
    expect(big.errors?.[0]?.message).toContain('/export');
  });
});
