import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/harness.js';

// Issue 14: two valid events of 2^53 - 1 bytes on one backend made every unfiltered usageSummary,
// backendStatus and timeSeries answer INTERNAL_SERVER_ERROR from then on. The tracker now refuses the event
// that would take a resource's total over every backend past 2^53 - 1 (TOTAL_TOO_LARGE), and a trackUsage
// batch holding one stores nothing; every read keeps answering.

const MAX = Number.MAX_SAFE_INTEGER;
const TRACK = `mutation Track($events: [UsageEventInput!]!) {
  trackUsage(events: $events) { accepted duplicates rejected { index code message } }
}`;
const big = (over: Record<string, unknown> = {}) => ({
  backend: 'big',
  backendType: 'S3',
  resourceType: 'BANDWIDTH_UPLOAD',
  amount: MAX,
  ...over,
});
type Tracked = { trackUsage: { accepted: number; rejected: { index: number; code: string; message: string }[] } };

describe('totals at 2^53 - 1', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  const reads = async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 86_400_000).toISOString();
    return api.execute<{
      usageSummary: {
        backends: { name: string; resources: { resourceType: string; totalAmount: number }[] }[];
        totals: { bandwidthUpload: number };
      };
      backendStatus: { backend: string; healthStatus: string }[];
      timeSeries: { totalAmount: number }[];
    }>(
      `{ usageSummary(range: { from: "${from}", to: "${to}" }) { backends { name resources { resourceType totalAmount } } totals { bandwidthUpload } }
         backendStatus { backend healthStatus }
         timeSeries(resourceType: BANDWIDTH_UPLOAD, granularity: HOUR, range: { from: "${from}", to: "${to}" }) { totalAmount } }`,
    );
  };

  it('refuses the second event of 2^53 - 1 bytes, whole batch and alone, and every read still answers', async () => {
    const both = await api.execute<Tracked>(TRACK, {
      events: [big(), big({ resourceType: 'API_CALLS', amount: 1 }), big()],
    });
    expect(both.errors).toBeUndefined();
    expect(both.data?.trackUsage.accepted).toBe(0);
    expect(both.data?.trackUsage.rejected.map((r) => [r.index, r.code])).toEqual([[2, 'TOTAL_TOO_LARGE']]);
    expect(both.data?.trackUsage.rejected[0]?.message).toMatch(/2\^53 - 1/);
    const empty = await reads();
    expect(empty.errors).toBeUndefined();
    expect(empty.data?.usageSummary.backends).toEqual([]);

    const first = await api.execute<Tracked>(TRACK, { events: [big()] });
    expect(first.data?.trackUsage.accepted).toBe(1);
    const second = await api.execute<Tracked>(TRACK, { events: [big({ backend: 'big' })] });
    expect(second.data?.trackUsage.rejected.map((r) => r.code)).toEqual(['TOTAL_TOO_LARGE']);
    const elsewhere = await api.execute<Tracked>(TRACK, { events: [big({ backend: 'other', amount: 1 })] });
    expect(elsewhere.data?.trackUsage.rejected.map((r) => r.code)).toEqual(['TOTAL_TOO_LARGE']);

    const r = await reads();
    expect(r.errors).toBeUndefined();
    const stored = r.data!.usageSummary.backends.find((b) => b.name === 'big')!;
    expect(stored.resources).toEqual([{ resourceType: 'BANDWIDTH_UPLOAD', totalAmount: MAX }]);
    expect(r.data!.usageSummary.totals.bandwidthUpload).toBe(MAX);
    expect(r.data!.backendStatus.map((s) => s.backend)).toEqual(['big']);
    expect(r.data!.timeSeries.reduce((sum, p) => sum + p.totalAmount, 0)).toBe(MAX);
  });
});
