import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, createTestApi, type TestApi } from './support/harness.js';

// Issue 11 over GraphQL: plans set and read back, costs computed from what trackUsage stored, class
// prices from UsageEventInput.apiClass; bad input is a typed error that changes nothing; plans need admin.

const GIB = 2 ** 30;
const TRACK = `mutation Track($events: [UsageEventInput!]!) {
  trackUsage(events: $events) { accepted rejected { index code message } }
}`;
const SET = `mutation Set($plan: PricePlanInput!) {
  setPricePlan(plan: $plan) { backend timezone template effectiveFrom updatedAt prices { resource tiers { upTo pricePerUnit } } }
}`;
const PLANS = '{ pricePlans { backend template effectiveFrom prices { resource tiers { upTo pricePerUnit } } } }';
const COSTS = `query Costs($range: TimeRange, $backend: String, $timezone: String) {
  costs(range: $range, backend: $backend, timezone: $timezone) {
    period periodStart periodEnd timezone computedTotalMicros reportedTotalMicros
    backends { backend backendType computedCostMicros reportedCostMicros hasPlan resources { resource units costMicros } }
    forecast { monthEndMicros method }
  }
}`;

interface CostsData {
  costs: {
    computedTotalMicros: number;
    reportedTotalMicros: number;
    backends: {
      backend: string;
      computedCostMicros: number;
      reportedCostMicros: number;
      hasPlan: boolean;
      resources: { resource: string; units: number; costMicros: number }[];
    }[];
    forecast: { monthEndMicros: number; method: string };
  };
}

describe('price plans and costs over GraphQL', () => {
  let api: TestApi;
  // Two days ago, on a whole minute: inside the raw retention, so any range end is exact.
  const base = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;
  const at = (ms: number) => new Date(base + ms).toISOString();
  const range = { from: at(0), to: at(3_600_000) };

  beforeAll(async () => {
    api = await createTestApi();
    const event = (over: Record<string, unknown>) => ({
      backend: 'photos',
      backendType: 'S3',
      timestamp: at(1_000),
      ...over,
    });
    const r = await api.execute(TRACK, {
      events: [
        event({ resourceType: 'BANDWIDTH_DOWNLOAD', amount: 3 * GIB }),
        event({ resourceType: 'API_CALLS', amount: 2, apiClass: 'A' }),
        event({ resourceType: 'API_CALLS', amount: 5, apiClass: 'B' }),
        event({ resourceType: 'API_CALLS', amount: 1, apiClass: 'FREE' }),
        event({ resourceType: 'API_CALLS', amount: 4 }),
        event({ resourceType: 'OPERATION_COST', amount: 70_000 }),
      ],
    });
    expect(r.errors).toBeUndefined();
  });
  afterAll(() => api.close());

  it('lists the published templates', async () => {
    const r = await api.execute<{ pricePlanTemplates: { name: string; source: string }[] }>(
      '{ pricePlanTemplates { name source prices { resource } } }',
    );
    expect(r.data?.pricePlanTemplates.map((t) => t.name)).toEqual([
      'aws-s3-standard-us-east-1',
      'cloudflare-r2-standard',
    ]);
    expect(r.data?.pricePlanTemplates[0]?.source).toMatch(/2025-06/);
  });

  it('sets a plan, lists it, and prices the stored usage with it beside the reported cost', async () => {
    const set = await api.execute<{ setPricePlan: { prices: unknown[]; timezone: string } }>(SET, {
      plan: {
        backend: 'photos',
        prices: [
          { resource: 'DOWNLOAD', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] },
          { resource: 'API_CALLS_CLASS_A', tiers: [{ pricePerUnit: '0.005' }] },
          { resource: 'API_CALLS_CLASS_B', tiers: [{ pricePerUnit: '0.0004' }] },
          { resource: 'API_CALLS_UNCLASSIFIED', tiers: [{ pricePerUnit: '0.001' }] },
        ],
      },
    });
    expect(set.errors).toBeUndefined();
    expect(set.data?.setPricePlan.timezone).toBe('UTC');
    expect(set.data?.setPricePlan.prices[0]).toEqual({
      resource: 'DOWNLOAD',
      tiers: [
        { upTo: 1, pricePerUnit: '0' },
        { upTo: null, pricePerUnit: '0.09' },
      ],
    });
    const plans = await api.execute<{ pricePlans: { backend: string; effectiveFrom: string | null }[] }>(PLANS);
    expect(plans.data?.pricePlans).toHaveLength(1);
    expect(plans.data?.pricePlans[0]).toMatchObject({ backend: 'photos', effectiveFrom: null });

    const r = await api.execute<CostsData>(COSTS, { range });
    expect(r.errors).toBeUndefined();
    const photos = r.data!.costs.backends[0]!;
    expect(photos).toMatchObject({ backend: 'photos', hasPlan: true, reportedCostMicros: 70_000 });
    expect(photos.resources).toEqual([
      { resource: 'DOWNLOAD', units: 3, costMicros: 180_000 },
      { resource: 'API_CALLS_CLASS_A', units: 2, costMicros: 10_000 },
      { resource: 'API_CALLS_CLASS_B', units: 5, costMicros: 2_000 },
      { resource: 'API_CALLS_UNCLASSIFIED', units: 4, costMicros: 4_000 },
    ]);
    expect(r.data!.costs.computedTotalMicros).toBe(196_000);
    expect(r.data!.costs.reportedTotalMicros).toBe(70_000);
    expect(r.data!.costs.forecast.method).toMatch(/Month to date/);
  });

  it('refuses bad input with typed errors that change nothing', async () => {
    const before = await api.execute(PLANS);
    const bad = await api.execute(SET, {
      plan: { backend: 'photos', prices: [{ resource: 'STORAGE', tiers: [{ pricePerUnit: '-0.02' }] }] },
    });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.trackerCode).toBe('INVALID_PRICE');
    const unknown = await api.execute(SET, { plan: { backend: 'photos', template: 'nope' } });
    expect(unknown.errors?.[0]?.extensions?.trackerCode).toBe('INVALID_PRICE_PLAN');
    const enumValue = await api.execute(SET, {
      plan: { backend: 'photos', prices: [{ resource: 'EGRESS', tiers: [] }] },
    });
    expect(codes(enumValue)).toEqual(['BAD_USER_INPUT']);
    expect(await api.execute(PLANS)).toEqual(before);

    const zone = await api.execute(COSTS, { range, timezone: 'Mars/Olympus' });
    expect(zone.errors?.[0]?.extensions?.trackerCode).toBe('INVALID_TIMEZONE');

    const classOnUpload = await api.execute<{ trackUsage: { accepted: number; rejected: { code: string }[] } }>(TRACK, {
      events: [{ backend: 'photos', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 1, apiClass: 'A' }],
    });
    expect(classOnUpload.data?.trackUsage).toMatchObject({ accepted: 0, rejected: [{ code: 'INVALID_OPTION' }] });
    const badClass = await api.execute(TRACK, {
      events: [{ backend: 'photos', backendType: 'S3', resourceType: 'API_CALLS', amount: 1, apiClass: 'C' }],
    });
    expect(codes(badClass)).toEqual(['BAD_USER_INPUT']);
    const after = await api.execute<CostsData>(COSTS, { range });
    expect(after.data?.costs.computedTotalMicros).toBe(196_000);
  });

  it('sets and deletes plans with the admin scope only', async () => {
    const ingest = (await api.tokens.create({ scopes: 'ingest' })).secret;
    const admin = (await api.tokens.create({ scopes: 'admin' })).secret;
    const plan = { backend: 'other', template: 'cloudflare-r2-standard' };
    expect(codes(await api.execute(SET, { plan }, { token: ingest }))).toEqual(['FORBIDDEN']);
    const del = 'mutation Del($backend: String!) { deletePricePlan(backend: $backend) }';
    expect(codes(await api.execute(del, { backend: 'photos' }, { token: ingest }))).toEqual(['FORBIDDEN']);
    expect(codes(await api.execute(SET, { plan }, { token: admin }))).toEqual([]);
    const removed = await api.execute<{ deletePricePlan: boolean }>(del, { backend: 'photos' }, { token: admin });
    expect(removed.data?.deletePricePlan).toBe(true);
    const plans = await api.execute<{ pricePlans: { backend: string }[] }>(PLANS, {}, { token: admin });
    expect(plans.data?.pricePlans.map((p) => p.backend)).toEqual(['other']);
  });
});
