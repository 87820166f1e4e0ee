import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openTokenStore } from '@bytemeter/tracker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BytemeterClient,
  createBytemeterClient,
  createRemoteTracker,
  type RemoteTracker,
  type UsageEvent,
} from '../src/index.js';
import { type Balancer, startBalancer } from './support/balancer.js';
import { newPostgresDatabase } from './support/postgres.js';
import { waitFor } from './support/wait-for.js';

// Two API processes (replicas) on one PostgreSQL database, as behind any HTTP load balancer: what one
// writes the other reads, its live feeds and tokens included, and a replica killed mid-ingest loses nothing.

const MINUTE_T = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000).toISOString();
/** The documented bound of a revoke on every replica (the API's TOKEN_CACHE_MAX_AGE_MS), and slack for a busy machine. */
const REVOKE_BOUND_MS = 1000;
const SLACK_MS = 1500;

describe('API replicas on one PostgreSQL database', () => {
  let databaseUrl: string;
  let a: ApiProcess;
  let b: ApiProcess;
  let viaA: BytemeterClient;
  let viaB: BytemeterClient;
  let sql: pg.Client;

  beforeAll(async () => {
    databaseUrl = await newPostgresDatabase('replicas');
    // Started together: both migrate the new database, once (Kysely's migration lock).
    [a, b] = await Promise.all([startApiProcess({ databaseUrl }), startApiProcess({ databaseUrl })]);
    viaA = createBytemeterClient({ url: a.url });
    viaB = createBytemeterClient({ url: b.url });
    sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
  });
  afterAll(async () => {
    await Promise.all([viaA?.close(), viaB?.close()]);
    await sql?.end();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('reads through B what was sent through A', async () => {
    const events = Array.from({ length: 20 }, (_, i) => ({
      id: `ab-${i}`,
      backend: 'shared',
      backendType: 'S3' as const,
      resourceType: 'BANDWIDTH_UPLOAD' as const,
      amount: 1000 + i,
    }));
    expect(await viaA.trackUsage(events)).toMatchObject({ accepted: 20, duplicates: 0 });
    // The same ids again, through the other replica: duplicates, counted once.
    expect(await viaB.trackUsage(events.slice(0, 5))).toMatchObject({ accepted: 0, duplicates: 5 });
    const summary = await viaB.getUsageSummary({ backend: 'shared', period: 'DAY' });
    expect(summary.backends[0]?.resources[0]).toMatchObject({ totalAmount: 20 * 1000 + 190, operationCount: 20 });
    const status = await viaB.getBackendStatus('shared');
    expect(status.map((s) => s.backend)).toEqual(['shared']);
    expect((await viaB.getBackends()).map((x) => x.name)).toContain('shared');
  });

  it('a usageEvents subscription on B gets every write through A once, also when a later id commits first', async () => {
    const feed = viaB.subscribeUsageEvents({}, { transport: 'ws' });
    const seen: UsageEvent[] = [];
    const pump = (async () => {
      for await (const e of feed) seen.push(e);
    })();
    const has = (id: string) => seen.some((e) => e.id === id);
    // The subscription is live once a probe sent after it started comes back.
    let probe = 0;
    await waitFor(async () => {
      if (seen.some((e) => e.backend === 'probe')) return true;
      await viaA.trackUsage([
        { backend: 'probe', backendType: 'LOCAL', resourceType: 'API_CALLS', amount: 1, id: `p-${probe++}` },
      ]);
      await new Promise((r) => setTimeout(r, 200));
      return false;
    }, 'the subscription on B to be live');
    const call = (id: string) => ({
      id,
      timestamp: MINUTE_T,
      backend: 'slow',
      backendType: 'S3' as const,
      resourceType: 'API_CALLS' as const,
      amount: 1,
    });
    // The rollup row the slow write will upsert exists, so a lock on it holds that write mid-transaction,
    // after it took its event id.
    await viaA.trackUsage([call('slow-0')]);
    await sql.query('begin');
    await sql.query(
      "select * from rollups where backend_id = (select id from backends where name = 'slow') for update",
    );
    const slow = viaA.trackUsage([call('slow-1')]);
    await waitFor(async () => {
      const { rows } = await sql.query(
        "select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
      );
      return rows.length > 0;
    }, 'the slow write to wait on the rollup lock');
    // Another backend and resource: no lock in common, a later id, committed first (through B this time).
    await viaB.trackUsage([
      { id: 'fast-1', backend: 'fast', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 7 },
    ]);
    await waitFor(() => has('fast-1'), 'fast-1 on the feed while slow-1 is uncommitted');
    expect(has('slow-1')).toBe(false);
    await sql.query('commit');
    expect(await slow).toMatchObject({ accepted: 1 });
    // A few more through both replicas, then every one must arrive exactly once.
    for (let i = 0; i < 10; i++) {
      const via = i % 2 ? viaA : viaB;
      await via.trackUsage([
        { id: `more-${i}`, backend: 'fast', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 },
      ]);
    }
    const expected = ['slow-0', 'fast-1', 'slow-1', ...Array.from({ length: 10 }, (_, i) => `more-${i}`)];
    await waitFor(() => expected.every(has), 'every write on the feed');
    // One more poll period, to see that nothing comes twice.
    await new Promise((r) => setTimeout(r, 1200));
    const got = seen.filter((e) => e.backend !== 'probe').map((e) => e.id);
    expect(got).toEqual(expected);
    // The ids really were handed out against commit order: a feed by "id > cursor" would have skipped slow-1.
    const { rows } = await sql.query<{ name: string }>(
      "select b.name from events e join backends b on b.id = e.backend_id where b.name in ('slow', 'fast') and e.success = 1 order by e.id",
    );
    expect(rows.map((r) => r.name).slice(0, 3)).toEqual(['slow', 'slow', 'fast']);
    await feed.return();
    await pump;
  });

  it('liveBandwidth and backendStatusChanged on B include traffic written through A within about a second', async () => {
    const bandwidth = viaB.subscribeLiveBandwidth({ backend: 'bw', intervalMs: 250 }, { transport: 'ws' });
    const statuses = viaB.subscribeBackendStatus({ backend: 'bw' }, { transport: 'ws' });
    const firstStatus = statuses.next();
    await bandwidth.next();
    const sent = Date.now();
    await viaA.trackUsage([{ backend: 'bw', backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 4096 }]);
    let uploaded = 0;
    while (uploaded === 0) {
      const step = await bandwidth.next();
      uploaded = step.value?.uploadBytes ?? 0;
    }
    expect(uploaded).toBe(4096);
    expect(Date.now() - sent).toBeLessThan(1000 + SLACK_MS);
    const status = await firstStatus;
    expect(status.value?.backend).toBe('bw');
    expect(Date.now() - sent).toBeLessThan(1000 + SLACK_MS);
    await Promise.all([bandwidth.return(), statuses.return()]);
  });

  it('4 remote trackers send 200k events through a balancer while A is killed (-9) and restarted: exact totals', async () => {
    const PER_TRACKER = 50_000;
    const lb: Balancer = await startBalancer([a.url, b.url]);
    const errors: string[] = [];
    const trackers: RemoteTracker[] = Array.from({ length: 4 }, () =>
      createRemoteTracker({
        url: lb.url,
        batchSize: 1000,
        flushIntervalMs: 20,
        maxBufferedEvents: PER_TRACKER + 1000,
        initialRetryDelayMs: 20,
        maxRetryDelayMs: 400,
        requestTimeoutMs: 20_000,
        onError: (e) => errors.push(e.code),
      }),
    );
    const started = performance.now();
    let expectedSum = 0;
    for (let k = 0; k < PER_TRACKER; k++) {
      for (let t = 0; t < trackers.length; t++) {
        const amount = k * trackers.length + t + 1;
        expectedSum += amount;
        // Distinct amounts: an event stored twice or lost changes the sum.
        trackers[t]!.trackBandwidthUpload(`load-${t}`, 's3', amount);
      }
    }
    const stored = async () =>
      Number(
        (
          await sql.query<{ n: string }>(
            "select count(*) as n from events where backend_id in (select id from backends where name like 'load-%')",
          )
        ).rows[0]!.n,
      );
    await waitFor(async () => (await stored()) >= 40_000, 'a fifth of the events to be stored', 60_000);
    await a.kill();
    const killedAt = performance.now();
    await waitFor(
      async () => (await stored()) >= 80_000 || performance.now() - killedAt > 3000,
      'B to carry on alone',
      60_000,
    );
    a = await startApiProcess({ databaseUrl, port: a.port });
    await waitFor(() => trackers.every((t) => t.pendingCount === 0), 'every tracker to drain', 120_000);
    const results = await Promise.all(trackers.map((t) => t.close()));
    const seconds = (performance.now() - started) / 1000;
    const stats = trackers.map((t) => t.stats());
    const written = stats.reduce((n, s) => n + s.written, 0);
    const duplicates = stats.reduce((n, s) => n + s.duplicates, 0);
    console.log(
      `replicas: 200k events in ${seconds.toFixed(1)} s (${Math.round(200_000 / seconds)} events/s) with a kill -9; ` +
        `${lb.failed} requests failed over, ${duplicates} resent events counted once, forwarded ${lb.forwarded.join('/')}`,
    );
    await lb.close();
    expect(results.every((r) => r.pending === 0)).toBe(true);
    expect(stats.every((s) => s.dropped === 0)).toBe(true);
    // A batch A committed just before the kill, whose answer never came back, is resent through B and
    // acknowledged as duplicates there: every event acknowledged once, one way or the other. The stored
    // rows below are what prove nothing was lost or counted twice.
    expect(written + duplicates).toBe(200_000);
    expect(lb.failed).toBeGreaterThan(0);
    // Raw rows, idempotency keys and rollups: each event exactly once.
    const raw = await sql.query<{ n: number; total: number }>(
      "select count(*)::int as n, sum(amount)::bigint::text as total from events where backend_id in (select id from backends where name like 'load-%')",
    );
    expect(raw.rows[0]).toEqual({ n: 200_000, total: String(expectedSum) });
    // Through the restarted A and through B: the same exact totals, from rollups.
    for (const via of [createBytemeterClient({ url: a.url }), viaB]) {
      const summary = await via.getUsageSummary({ period: 'DAY' });
      const load = summary.backends.filter((x) => x.name.startsWith('load-'));
      expect(load).toHaveLength(4);
      const total = load.reduce((n, x) => n + (x.resources[0]?.totalAmount ?? 0), 0);
      const count = load.reduce((n, x) => n + (x.resources[0]?.operationCount ?? 0), 0);
      expect({ total, count }).toEqual({ total: expectedSum, count: 200_000 });
      if (via !== viaB) await via.close();
    }
  }, 180_000);

  it('a token created for one replica works on both; revoked, it stops on both within the bound', async () => {
    const cli = await openTokenStore({ databaseUrl });
    const anonymous = async (api: ApiProcess) =>
      (
        await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ backends { name } }' }),
        })
      ).status;
    try {
      // Another token stays: a loopback API with no active token at all is open again, by design.
      await cli.create({ scopes: 'read', name: 'stays' });
      const token = await cli.create({ scopes: 'read', name: 'replicas' });
      const withToken = [a, b].map((api) => createBytemeterClient({ url: api.url, token: token.secret }));
      for (const via of withToken) await expect(via.getBackends()).resolves.toBeInstanceOf(Array);
      // Open access ends on every replica within the bound once a token exists.
      await waitFor(
        async () => (await anonymous(a)) === 401 && (await anonymous(b)) === 401,
        'open access to end',
        REVOKE_BOUND_MS + SLACK_MS,
      );
      const stream = withToken[1]!.subscribeLiveBandwidth({ intervalMs: 250 }, { transport: 'ws' });
      await stream.next();
      const streamEnded = (async () => {
        try {
          for (;;) if ((await stream.next()).done) return 'ended';
        } catch {
          return 'ended';
        }
      })();
      expect(await cli.revoke(token.id)).toBe(true);
      const revokedAt = performance.now();
      await waitFor(
        async () => {
          const outcomes = await Promise.all(
            withToken.map((via) =>
              via.getBackends().then(
                () => 'ok',
                () => 'refused',
              ),
            ),
          );
          return outcomes.every((o) => o === 'refused');
        },
        'the revoke to reach both replicas',
        REVOKE_BOUND_MS + SLACK_MS,
      );
      const requestsMs = performance.now() - revokedAt;
      expect(await streamEnded).toBe('ended');
      const streamMs = performance.now() - revokedAt;
      console.log(
        `replicas: a revoke stopped requests on both replicas after ${Math.round(requestsMs)} ms, B's stream after ${Math.round(streamMs)} ms`,
      );
      expect(streamMs).toBeLessThan(REVOKE_BOUND_MS + SLACK_MS);
      await Promise.all(withToken.map((via) => via.close()));
    } finally {
      await cli.close();
    }
  });
});
