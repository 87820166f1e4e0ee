import { openResourceTracker, openTokenStore } from '@bytemeter/tracker';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../src/create-api.js';
import { codes, createTestApi, type TestApi, tempDbPath } from './support/harness.js';

const TRACK = 'mutation($events: [UsageEventInput!]!) { trackUsage(events: $events) { accepted } }';
const SUMMARY =
  'query($backend: String) { usageSummary(period: DAY, backend: $backend) { periodStart totals { bandwidthUpload apiCalls } backends { name } } }';
type Summary = {
  usageSummary: {
    periodStart: string;
    totals: { bandwidthUpload: number; apiCalls: number };
    backends: { name: string }[];
  };
};
const upload = (backend: string, amount: number) => ({
  backend,
  backendType: 'S3',
  resourceType: 'BANDWIDTH_UPLOAD',
  amount,
});

describe('response cache: repeated queries between commits', () => {
  let api: TestApi;
  beforeEach(async () => {
    // SQLite on both runs: the cache needs a summary version, which only SQLite tells cheaply (null on
    // PostgreSQL, where every query executes).
    api = await createTestApi({}, 'sqlite');
    await api.execute(TRACK, { events: [upload('photos', 100), upload('logs', 5)] });
  });
  afterEach(() => api.close());

  it('answers an identical summary query without executing it again, with the same answer', async () => {
    const first = await api.execute<Summary>(SUMMARY);
    const reads = vi.spyOn(api.tracker, 'getResourceSummary');
    const second = await api.execute<Summary>(SUMMARY);
    expect(reads).not.toHaveBeenCalled();
    expect(second).toEqual(first);
    expect(second.data?.usageSummary.totals.bandwidthUpload).toBe(105);
    // Other variables are another answer.
    const photos = await api.execute<Summary>(SUMMARY, { backend: 'photos' });
    expect(photos.data?.usageSummary.totals.bandwidthUpload).toBe(100);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("serves nothing older than this server's own last write", async () => {
    await api.execute<Summary>(SUMMARY);
    await api.execute<Summary>(SUMMARY);
    await api.execute(TRACK, { events: [upload('photos', 1000)] });
    const after = await api.execute<Summary>(SUMMARY);
    expect(after.data?.usageSummary.totals.bandwidthUpload).toBe(1105);
  });

  it("serves nothing older than another process's commit to the file", async () => {
    await api.execute<Summary>(SUMMARY);
    const other = openResourceTracker({ path: api.dbPath, flushOnExit: false });
    await other.ingestBatch([{ backend: 'other', backendType: 's3', resourceType: 'bandwidth_upload', amount: 7 }]);
    await other.close();
    const after = await api.execute<Summary>(SUMMARY);
    expect(after.data?.usageSummary.totals.bandwidthUpload).toBe(112);
    expect(after.data?.usageSummary.backends.map((b) => b.name).sort()).toEqual(['logs', 'other', 'photos']);
  });

  it('keeps checking auth and scopes: a token without `read` is refused an answer kept for another', async () => {
    const read = (await api.tokens.create({ scopes: 'read' })).secret;
    const ingest = (await api.tokens.create({ scopes: 'ingest' })).secret;
    const ok = await api.execute<Summary>(SUMMARY, undefined, { token: read });
    expect(ok.data?.usageSummary.totals.bandwidthUpload).toBe(105);
    expect(codes(await api.execute(SUMMARY, undefined, { token: ingest }))).toEqual(['FORBIDDEN']);
    expect(codes(await api.execute(SUMMARY))).toEqual(['UNAUTHENTICATED']);
    expect(await api.execute<Summary>(SUMMARY, undefined, { token: read })).toEqual(ok);
  });

  it('does not keep answers that read anything but summaries (event pages, backend status)', async () => {
    const pages = vi.spyOn(api.tracker, 'getResourceUsage');
    const statuses = vi.spyOn(api.tracker, 'getBackendStatus');
    for (let i = 0; i < 2; i++) {
      expect((await api.execute('{ usage(hoursBack: 1) { totalCount } }')).data).toEqual({ usage: { totalCount: 2 } });
      const backends = await api.execute<{ backends: { status: { isActive: boolean } }[] }>(
        '{ backends { name status { isActive } } }',
      );
      expect(backends.data?.backends.map((b) => b.status.isActive)).toEqual([true, true]);
    }
    expect(pages).toHaveBeenCalledTimes(2);
    expect(statuses).toHaveBeenCalledTimes(2);
  });

  it('never keeps mutations or results with errors', async () => {
    await api.execute(TRACK, { events: [upload('photos', 1)] });
    await api.execute(TRACK, { events: [upload('photos', 1)] });
    const reads = vi.spyOn(api.tracker, 'getSummaryVersion');
    const bad = '{ usageSummary(timezone: "Mars/Olympus") { totals { apiCalls } } }';
    expect(codes(await api.execute(bad))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await api.execute(bad))).toEqual(['BAD_USER_INPUT']);
    expect(reads).toHaveBeenCalledTimes(2);
    expect((await api.execute<Summary>(SUMMARY)).data?.usageSummary.totals.bandwidthUpload).toBe(107);
  });
});

describe('response cache and the clock', () => {
  it("answers the next day's summary once the clock reaches it, with no commit in between", async () => {
    const db = tempDbPath();
    let now = Date.parse('2026-03-01T23:59:00Z');
    const tracker = openResourceTracker({ path: db.path, flushOnExit: false, clock: () => now });
    await tracker.ready;
    const tokens = await openTokenStore({ path: db.path });
    try {
      await tracker.ingestBatch([
        { backend: 'photos', backendType: 's3', resourceType: 'bandwidth_upload', amount: 9, timestamp: now },
      ]);
      const { yoga } = createApi({ tracker, tokens, dbPath: db.path });
      const run = async () => {
        const response = await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: SUMMARY }),
        });
        return ((await response.json()) as { data: Summary }).data.usageSummary;
      };
      expect((await run()).totals.bandwidthUpload).toBe(9);
      expect((await run()).totals.bandwidthUpload).toBe(9);
      now += 120_000;
      const next = await run();
      expect(next.periodStart).toBe('2026-03-02T00:00:00.000Z');
      expect(next.totals.bandwidthUpload).toBe(0);
    } finally {
      await tokens.close();
      await tracker.close();
      db.cleanup();
    }
  });

  it('keeps nothing when the tracker cannot tell whether data changed (memoizeSummaries: false)', async () => {
    const db = tempDbPath();
    const tracker = openResourceTracker({ path: db.path, flushOnExit: false, memoizeSummaries: false });
    await tracker.ready;
    const tokens = await openTokenStore({ path: db.path });
    try {
      const { yoga } = createApi({ tracker, tokens, dbPath: db.path });
      const reads = vi.spyOn(tracker, 'getResourceSummary');
      for (let i = 0; i < 2; i++) {
        const response = await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: SUMMARY }),
        });
        expect(response.status).toBe(200);
      }
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      await tokens.close();
      await tracker.close();
      db.cleanup();
    }
  });
});
