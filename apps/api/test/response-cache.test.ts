import { openResourceTracker, openTokenStore } from '@bytemeter/tracker';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../src/create-api.js';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { codes, createTestApi, DIALECT, type TestApi, type TestStore, testStore } from './support/harness.js';

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

/**
 * Runs `query` until an execution is answered without reading the summary again (from the cache), and
 * returns that answer with the one before it. On SQLite the second run always is; on PostgreSQL the
 * version is the server's snapshot, which commits of other databases on the server (other test files)
 * also move: a miss, never a wrong answer, so a hit within a few tries is what "cached" means there.
 */
async function cachedRun(api: TestApi, query: string, variables?: Record<string, unknown>, token?: string) {
  const reads = vi.spyOn(api.tracker, 'getResourceSummary');
  try {
    const options = token === undefined ? {} : { token };
    let before = await api.execute<Summary>(query, variables, options);
    for (let attempt = 0; attempt < 20; attempt++) {
      const calls = reads.mock.calls.length;
      const again = await api.execute<Summary>(query, variables, options);
      if (reads.mock.calls.length === calls) return { before, again };
      before = again;
    }
    throw new Error('no repeated query was ever answered from the cache');
  } finally {
    reads.mockRestore();
  }
}

describe('response cache: repeated queries between commits', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
    await api.execute(TRACK, { events: [upload('photos', 100), upload('logs', 5)] });
  });
  afterEach(() => api.close());

  it('answers an identical summary query without executing it again, with the same answer', async () => {
    const { before, again } = await cachedRun(api, SUMMARY);
    expect(again).toEqual(before);
    expect(again.data?.usageSummary.totals.bandwidthUpload).toBe(105);
    // Other variables are another answer.
    const reads = vi.spyOn(api.tracker, 'getResourceSummary');
    const photos = await api.execute<Summary>(SUMMARY, { backend: 'photos' });
    expect(photos.data?.usageSummary.totals.bandwidthUpload).toBe(100);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it("serves nothing older than this server's own last write", async () => {
    await cachedRun(api, SUMMARY);
    await api.execute(TRACK, { events: [upload('photos', 1000)] });
    const after = await api.execute<Summary>(SUMMARY);
    expect(after.data?.usageSummary.totals.bandwidthUpload).toBe(1105);
  });

  it("serves nothing older than another process's commit to the database", async () => {
    await cachedRun(api, SUMMARY);
    const other = openResourceTracker({ ...api.store.options, flushOnExit: false });
    await other.ingestBatch([{ backend: 'other', backendType: 's3', resourceType: 'bandwidth_upload', amount: 7 }]);
    await other.close();
    const after = await api.execute<Summary>(SUMMARY);
    expect(after.data?.usageSummary.totals.bandwidthUpload).toBe(112);
    expect(after.data?.usageSummary.backends.map((b) => b.name).sort()).toEqual(['logs', 'other', 'photos']);
  });

  it('lets concurrent requests share one version check, and never one made before they arrived', async () => {
    await api.execute<Summary>(SUMMARY);
    const versions = vi.spyOn(api.tracker, 'getSummaryVersion');
    const reads = vi.spyOn(api.tracker, 'getResourceSummary');
    const together = () => Promise.all(Array.from({ length: 8 }, () => api.execute<Summary>(SUMMARY)));
    const first = await together();
    expect(first.map((r) => r.data?.usageSummary.totals.bandwidthUpload)).toEqual(Array(8).fill(105));
    // All eight had arrived when the check started, so it holds for them all: one check. (An execution also
    // reads a version, before its summary; on PostgreSQL another database's commit may move the snapshot and
    // turn the check into a miss, after which each request executes.)
    expect(versions.mock.calls.length - reads.mock.calls.length).toBe(1);
    // Requests arriving after a commit are checked again, and see it.
    await api.execute(TRACK, { events: [upload('photos', 1000)] });
    const after = await together();
    expect(after.map((r) => r.data?.usageSummary.totals.bandwidthUpload)).toEqual(Array(8).fill(1105));
    // So are requests after another process's commit that this server never heard of.
    const other = openResourceTracker({ ...api.store.options, flushOnExit: false });
    await other.ingestBatch([{ backend: 'other', backendType: 's3', resourceType: 'bandwidth_upload', amount: 7 }]);
    await other.close();
    const later = await together();
    expect(later.map((r) => r.data?.usageSummary.totals.bandwidthUpload)).toEqual(Array(8).fill(1112));
  });

  it('a request arriving after a check started waits for its own check: a commit in between is seen', async () => {
    await api.execute<Summary>(SUMMARY);
    // The first check is held open (as a slow PostgreSQL round trip would be), answering the version it
    // would have read when it started.
    const tracker = api.tracker;
    const real = tracker.getSummaryVersion.bind(tracker);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = vi.spyOn(tracker, 'getSummaryVersion').mockImplementationOnce(async (q) => {
      const version = await real(q);
      await gate;
      return version;
    });
    const early = api.execute<Summary>(SUMMARY);
    while (held.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await api.execute(TRACK, { events: [upload('photos', 1000)] });
    const late = api.execute<Summary>(SUMMARY);
    // The late request must not join the held check (it started before the late request arrived).
    expect((await late).data?.usageSummary.totals.bandwidthUpload).toBe(1105);
    release();
    // The early one arrived before the commit: the answer from before it is as new as it could have seen
    // (on PostgreSQL another database's commit may have moved the snapshot: a miss, executed after the commit).
    const earlyTotal = (await early).data?.usageSummary.totals.bandwidthUpload;
    if (DIALECT === 'sqlite') expect(earlyTotal).toBe(105);
    else expect([105, 1105]).toContain(earlyTotal);
  });

  it('keeps checking auth and scopes: a token without `read` is refused an answer kept for another', async () => {
    const read = (await api.tokens.create({ scopes: 'read' })).secret;
    const ingest = (await api.tokens.create({ scopes: 'ingest' })).secret;
    const { again: ok } = await cachedRun(api, SUMMARY, undefined, read);
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

  it('serves but does not keep an answer over 64 KB of JSON; a small one is kept', async () => {
    // 1,000 backends with 80-character names: the summary's JSON is about 100 KB.
    const events = Array.from({ length: 1000 }, (_, i) =>
      upload(`b${String(i).padStart(4, '0')}-${'x'.repeat(74)}`, 1),
    );
    await api.execute(TRACK, { events });
    const reads = vi.spyOn(api.tracker, 'getResourceSummary');
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.execute<Summary>(SUMMARY);
      expect(r.data?.usageSummary.backends).toHaveLength(1002);
      sizes.push(JSON.stringify(r).length);
    }
    expect(Math.min(...sizes)).toBeGreaterThan(64 * 1024);
    expect(reads).toHaveBeenCalledTimes(3);
    reads.mockRestore();
    // One backend's summary is small, and kept.
    const { again } = await cachedRun(api, SUMMARY, { backend: 'photos' });
    expect(again.data?.usageSummary.totals.bandwidthUpload).toBe(100);
  });
});

describe('response cache and the clock', () => {
  it("answers the next day's summary once the clock reaches it, with no commit in between", async () => {
    const db = await testStore('clock');
    let now = Date.parse('2026-03-01T23:59:00Z');
    const tracker = openResourceTracker({ ...db.options, flushOnExit: false, clock: () => now });
    await tracker.ready;
    const tokens = await openTokenStore(db.options);
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
    const db = await testStore('nomemo');
    const tracker = openResourceTracker({ ...db.options, flushOnExit: false, memoizeSummaries: false });
    await tracker.ready;
    const tokens = await openTokenStore(db.options);
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

describe('response cache across replicas (two APIs, each with its own tracker, on one store)', () => {
  let a: TestApi;
  let b: Awaited<ReturnType<typeof replicaOf>>;
  /** A second API process's view: its own tracker and token store (own connections) on A's store. */
  async function replicaOf(api: TestApi) {
    const tracker = openResourceTracker({ ...api.store.options, flushOnExit: false });
    await tracker.ready;
    const tokens = await openTokenStore(api.store.options);
    const { yoga } = createApi({ tracker, tokens, dbPath: api.store.path });
    const testApi = { ...api, yoga, tracker, tokens } as TestApi;
    testApi.execute = async <TData>(query: string, variables?: Record<string, unknown>) => {
      const response = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as { data?: TData | null }) };
    };
    return Object.assign(testApi, {
      async close() {
        await tokens.close();
        await tracker.close();
      },
    });
  }
  beforeEach(async () => {
    a = await createTestApi();
    b = await replicaOf(a);
  });
  afterEach(async () => {
    await b.close();
    await a.close();
  });

  it('a write acknowledged by A is in the very next answer of B, though B had that query cached', async () => {
    let expected = 0;
    for (let round = 1; round <= 10; round++) {
      // B holds the current answer in its cache ...
      const { again } = await cachedRun(b, SUMMARY);
      expect(again.data?.usageSummary.totals.bandwidthUpload).toBe(expected);
      // ... A acknowledges a write, and B answers the same query at once: never the kept total.
      const ack = await a.execute<{ trackUsage: { accepted: number } }>(TRACK, { events: [upload('photos', round)] });
      expect(ack.data?.trackUsage.accepted).toBe(1);
      expected += round;
      const after = await b.execute<Summary>(SUMMARY);
      expect(after.data?.usageSummary.totals.bandwidthUpload).toBe(expected);
    }
  });
});

describe('BYTEMETER_API_CACHE_SUMMARIES', () => {
  let db: TestStore;
  let api: RunningApi | undefined;
  beforeEach(async () => {
    db = await testStore('cache-setting');
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
    db.cleanup();
  });

  /** The summary query through the real server, `times` times in a row; how many reached the tracker. */
  async function summaryReads(running: RunningApi, times: number): Promise<number> {
    const reads = vi.spyOn(running.tracker, 'getResourceSummary');
    try {
      for (let i = 0; i < times; i++) {
        const response = await fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: SUMMARY }),
        });
        const body = (await response.json()) as { data: Summary };
        expect(body.data.usageSummary.totals.bandwidthUpload).toBe(105);
      }
      return reads.mock.calls.length;
    } finally {
      reads.mockRestore();
    }
  }

  async function start(env: NodeJS.ProcessEnv): Promise<RunningApi> {
    api = await startApiServer({ settings: { ...readSettings(env), port: 0, ...db.settings } });
    const seeded = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: TRACK, variables: { events: [upload('photos', 100), upload('logs', 5)] } }),
    });
    expect(await seeded.json()).toEqual({ data: { trackUsage: { accepted: 2 } } });
    return api;
  }

  it('false: every summary request reads the database (no version, so neither cache keeps anything)', async () => {
    const running = await start({ BYTEMETER_API_CACHE_SUMMARIES: 'false' });
    expect(await running.tracker.getSummaryVersion({ period: 'day' })).toBeNull();
    expect(await summaryReads(running, 5)).toBe(5);
  });

  it('by default repeated summary requests are answered from the cache', async () => {
    const running = await start({});
    expect(await running.tracker.getSummaryVersion({ period: 'day' })).not.toBeNull();
    // On PostgreSQL other databases' commits move the snapshot: some repeats may miss, not all 20.
    expect(await summaryReads(running, 20)).toBeLessThan(20);
  });

  it('reads true or false and refuses anything else', () => {
    expect(readSettings({}).cacheSummaries).toBe(true);
    expect(readSettings({ BYTEMETER_API_CACHE_SUMMARIES: 'false' }).cacheSummaries).toBe(false);
    expect(() => readSettings({ BYTEMETER_API_CACHE_SUMMARIES: 'off' })).toThrow(/BYTEMETER_API_CACHE_SUMMARIES/);
  });
});
