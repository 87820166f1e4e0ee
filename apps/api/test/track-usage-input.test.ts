import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/harness.js';

// The resolver hands the coerced inputs to the tracker as they are: explicit nulls must still mean
// "absent" (the tracker's defaults), and an integer ID the same key as its string.

const TRACK = `mutation Track($events: [UsageEventInput!]!) {
  trackUsage(events: $events) { accepted duplicates rejected { index code message } }
}`;

interface Stored {
  timestamp: string;
  success: boolean;
  operationId: string | null;
  path: string | null;
  durationMs: number | null;
  metadata: unknown;
}

describe('trackUsage inputs', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('stores explicit nulls as absent fields: time stamped now, success true', async () => {
    const before = Date.now();
    const r = await api.execute(TRACK, {
      events: [
        {
          backend: 'nulls',
          backendType: 'S3',
          resourceType: 'API_CALLS',
          amount: 1,
          id: null,
          timestamp: null,
          operationId: null,
          path: null,
          success: null,
          durationMs: null,
          metadata: null,
          apiClass: null,
        },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ trackUsage: { accepted: 1, duplicates: 0, rejected: [] } });
    const read = await api.execute<{ usage: { nodes: Stored[] } }>(
      '{ usage(backend: "nulls") { nodes { timestamp success operationId path durationMs metadata } } }',
    );
    const [event] = read.data?.usage.nodes ?? [];
    expect(event).toMatchObject({ success: true, operationId: null, path: null, durationMs: null, metadata: null });
    const at = Date.parse(event?.timestamp ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('keys an integer id as its decimal string', async () => {
    const event = { backend: 'ids', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 };
    const first = await api.execute(TRACK, { events: [{ ...event, id: 4711 }] });
    expect(first.data).toEqual({ trackUsage: { accepted: 1, duplicates: 0, rejected: [] } });
    const again = await api.execute(TRACK, { events: [{ ...event, id: '4711' }] });
    expect(again.data).toEqual({ trackUsage: { accepted: 0, duplicates: 1, rejected: [] } });
  });
});
