import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiProcess, createPostgresDatabase, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker, type TrackEvent } from '@bytemeter/tracker';
import pg from 'pg';
import { assertFreshDist } from '../../../scripts/dist-freshness.mjs';
import { createBytemeterClient, createRemoteTracker, type RemoteTracker, uuidv7 } from '../src/index.js';
import { processCpuMs } from './proc-cpu.js';
import type { ServerSample } from './server-sampler.js';

// Issue 10's "through two API replicas on one PostgreSQL with concurrent SDK senders (batches of 1,000):
// ≥ 50k events/s, zero loss", measured with the real pieces: two built `@bytemeter/api` processes on one
// fresh database, remote trackers (the SDK) in this process, each event with its UUIDv7 id.

export interface ReplicaBenchOptions {
  /** Concurrent SDK senders (one RemoteTracker each, one request in flight each). */
  senders: number;
  eventsPerSender: number;
  /** Rounds; each runs the library, one replica and two replicas once, in that order. */
  rounds: number;
}

// 20,000 events per sender (160,000 a run, near the 200k of the kill -9 test): every run starts with new
// backends and new SDK connections, whose first batches cost more; at 5,000 per sender (a 0.8 s run) that
// fixed cost was a fifth of the CPU per event measured (39–47 µs against 32 µs at 20,000, same half hour).
export const FULL: ReplicaBenchOptions = { senders: 8, eventsPerSender: 20_000, rounds: 5 };
export const QUICK: ReplicaBenchOptions = { senders: 4, eventsPerSender: 5_000, rounds: 1 };

export const BATCH = 1000;
/** The workspace root, whose built API (apps/api/dist, and the tracker and core it loads) the replicas run. */
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** The sampler of the database's sessions, run as a child process. */
const SAMPLER = fileURLToPath(new URL('./server-sampler.ts', import.meta.url));
/** How long one run's senders may take before the run is called failed. */
const SEND_LIMIT_MS = 300_000;

export type Setup = 'library' | 'one' | 'two';

/** One timed run: every event sent, acknowledged and checked against what the database and the API hold. */
export interface RunResult {
  setup: Setup;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** CPU of each API process over the run (user + system), µs per event. */
  apiCpuUsPerEvent: number[];
  /** CPU of this process (the senders, or the in-process library) over the run, µs per event. */
  senderCpuUsPerEvent: number;
  /** CPU of the database's server processes serving the run (its sessions, not the WAL writer), µs per event. */
  serverCpuUsPerEvent: number;
  /** Resent batches (a request failed or timed out); their events are counted once by id. */
  retries: number;
  /** Events the server reported as already stored (resends). */
  duplicates: number;
  /**
   * What the database's sessions inside a transaction were doing, sampled every 20 ms during the run: per
   * wait (`Lock:transactionid`, `IO:WALSync`, `CPU` when running unhindered, `idle in transaction` when
   * waiting for the client), the share of samples.
   */
  waits: Record<string, number>;
  /** The read-back checks: raw rows, their sum, and usageSummary through each replica. */
  check: { rows: number; sum: number; summaries: { count: number; total: number }[] };
}

const log = (line: string) =>
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} replicas bench: ${line}\n`);

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function onAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Whether a PostgreSQL server answers at `url`. */
export const pgAnswers = (url: string): Promise<boolean> =>
  onAdmin(url, 'select 1').then(
    () => true,
    () => false,
  );

/** The amount of sender `s`'s event `k` in a run: all distinct, so a lost or doubled event changes the sum. */
const amountOf = (senders: number, s: number, k: number) => k * senders + s + 1;

/** The backends of one run (one per sender), so each run's totals are checked on their own. */
const backendOf = (run: number, s: number) => `run${run}-sender${s}`;

/**
 * Sends `senders × eventsPerSender` events through remote trackers, sender `s` to `urls[s % urls.length]`.
 * The events are recorded first (ids and time stamps made then, as an application would), then the clock
 * starts and every tracker sends its backlog in batches of 1,000, one request in flight per tracker.
 */
async function sendThroughApi(
  urls: readonly string[],
  run: number,
  options: ReplicaBenchOptions,
): Promise<{ seconds: number; retries: number; duplicates: number; written: number; dropped: number }> {
  const trackers: RemoteTracker[] = Array.from({ length: options.senders }, (_, s) =>
    createRemoteTracker({
      url: urls[s % urls.length]!,
      batchSize: BATCH,
      maxBufferedEvents: options.eventsPerSender,
      requestTimeoutMs: 60_000,
      initialRetryDelayMs: 50,
      maxRetryDelayMs: 1000,
    }),
  );
  for (let k = 0; k < options.eventsPerSender; k++) {
    for (let s = 0; s < options.senders; s++) {
      trackers[s]!.trackBandwidthUpload(backendOf(run, s), 's3', amountOf(options.senders, s, k));
    }
  }
  const start = performance.now();
  while (trackers.some((t) => t.pendingCount > 0)) {
    // A replica that stopped answering would otherwise keep the senders retrying for ever.
    if (performance.now() - start > SEND_LIMIT_MS)
      throw new Error(
        `the senders still hold ${trackers.reduce((n, t) => n + t.pendingCount, 0)} events after ${SEND_LIMIT_MS} ms`,
      );
    await Promise.all(trackers.map((t) => t.flush()));
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(trackers.map((t) => t.close()));
  const stats = trackers.map((t) => t.stats());
  const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((n, s) => n + f(s), 0);
  return {
    seconds,
    retries: sum((s) => s.retries),
    duplicates: sum((s) => s.duplicates),
    written: sum((s) => s.written),
    dropped: sum((s) => s.dropped),
  };
}

/**
 * The same events as 1,000-event `ingestBatch` calls on one tracker in this process (no HTTP, no GraphQL),
 * `senders` calls in flight at once: what the API replicas add to the library.
 */
async function sendThroughLibrary(
  databaseUrl: string,
  run: number,
  options: ReplicaBenchOptions,
): Promise<{ seconds: number; written: number; duplicates: number }> {
  const tracker = openResourceTracker({ databaseUrl, flushOnExit: false });
  await tracker.ready;
  try {
    const now = Date.now();
    const batches: TrackEvent[][][] = Array.from({ length: options.senders }, (_, s) => {
      const out: TrackEvent[][] = [];
      for (let from = 0; from < options.eventsPerSender; from += BATCH) {
        const batch: TrackEvent[] = [];
        for (let k = from; k < Math.min(options.eventsPerSender, from + BATCH); k++) {
          batch.push({
            backend: backendOf(run, s),
            backendType: 's3',
            resourceType: 'bandwidth_upload',
            amount: amountOf(options.senders, s, k),
            timestamp: now,
            id: uuidv7(now),
          });
        }
        out.push(batch);
      }
      return out;
    });
    let written = 0;
    let duplicates = 0;
    const start = performance.now();
    await Promise.all(
      batches.map(async (own) => {
        for (const batch of own) {
          const result = await tracker.ingestBatch(batch);
          written += result.accepted;
          duplicates += result.duplicates;
        }
      }),
    );
    return { seconds: (performance.now() - start) / 1000, written, duplicates };
  } finally {
    await tracker.close();
  }
}

/**
 * Starts bench/server-sampler.ts in a child process on the database (its CPU is then not this process's,
 * which stands for the SDK senders) and resolves once it samples; `stop` returns what it saw.
 */
async function sampleServer(databaseUrl: string): Promise<{ stop(): Promise<ServerSample> }> {
  const child = fork(SAMPLER, [databaseUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the server sampler exited (${code}) before reporting`))),
  );
  exited.catch(() => {});
  const next = () => Promise.race([new Promise<unknown>((resolve) => child.once('message', resolve)), exited]);
  if ((await next()) !== 'ready') throw new Error('the server sampler did not start');
  return {
    async stop() {
      const result = next();
      child.send('stop');
      return (await result) as ServerSample;
    },
  };
}

/** Raw rows and their sum for one run's backends, straight from the events table. */
async function storedRows(databaseUrl: string, run: number): Promise<{ rows: number; sum: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number; total: string }>(
      'select count(*)::int as n, coalesce(sum(amount), 0)::text as total from events where backend_id in (select id from backends where name like $1) and success = 1',
      [`run${run}-sender%`],
    );
    return { rows: rows[0]!.n, sum: Number(rows[0]!.total) };
  } finally {
    await client.end();
  }
}

/** One run's operation count and total as usageSummary reports them through the API at `url` (rollups). */
async function summaryThrough(url: string, run: number, at: Date): Promise<{ count: number; total: number }> {
  const client = createBytemeterClient({ url });
  try {
    const summary = await client.getUsageSummary({ period: 'DAY', at: at.toISOString() });
    const mine = summary.backends.filter((b) => b.name.startsWith(`run${run}-sender`));
    let count = 0;
    let total = 0;
    for (const b of mine)
      for (const r of b.resources) {
        count += r.operationCount;
        total += r.totalAmount;
      }
    return { count, total };
  } finally {
    await client.close();
  }
}

/** Runs one setup once and checks, exactly, that every event sent is stored once. */
async function runOnce(
  setup: Setup,
  run: number,
  databaseUrl: string,
  replicas: readonly ApiProcess[],
  options: ReplicaBenchOptions,
): Promise<RunResult> {
  const events = options.senders * options.eventsPerSender;
  // Started first: starting the sampler's process costs this one CPU too, outside the run.
  const sampler = await sampleServer(databaseUrl);
  const apiBefore = replicas.map((r) => processCpuMs(r.pid));
  const ownBefore = ownCpuMs();
  const at = new Date();
  const sent =
    setup === 'library'
      ? { ...(await sendThroughLibrary(databaseUrl, run, options)), retries: 0, dropped: 0 }
      : await sendThroughApi(
          replicas.slice(0, setup === 'two' ? 2 : 1).map((r) => r.url),
          run,
          options,
        );
  const server = await sampler.stop();
  const apiCpuUsPerEvent = replicas.map((r, i) => ((processCpuMs(r.pid) - apiBefore[i]!) * 1000) / events);
  const senderCpuUsPerEvent = ((ownCpuMs() - ownBefore) * 1000) / events;
  const expectedSum = Array.from({ length: options.senders }, (_, s) =>
    Array.from({ length: options.eventsPerSender }, (_, k) => amountOf(options.senders, s, k)).reduce(
      (a, b) => a + b,
      0,
    ),
  ).reduce((a, b) => a + b, 0);
  const stored = await storedRows(databaseUrl, run);
  const summaries = await Promise.all(replicas.map((r) => summaryThrough(r.url, run, at)));
  const problems: string[] = [];
  if (sent.written !== events) problems.push(`acknowledged ${sent.written} of ${events}`);
  if (sent.dropped !== 0) problems.push(`${sent.dropped} dropped by the SDK`);
  if (stored.rows !== events || stored.sum !== expectedSum)
    problems.push(
      `events table holds ${stored.rows} rows summing ${stored.sum}, sent ${events} summing ${expectedSum}`,
    );
  for (const [i, s] of summaries.entries())
    if (s.count !== events || s.total !== expectedSum)
      problems.push(`usageSummary through replica ${i + 1}: ${s.count} events, ${s.total}`);
  if (problems.length > 0) throw new Error(`${setup} run ${run} lost or doubled events: ${problems.join('; ')}`);
  return {
    setup,
    events,
    seconds: sent.seconds,
    eventsPerSecond: events / sent.seconds,
    apiCpuUsPerEvent,
    senderCpuUsPerEvent,
    retries: sent.retries,
    duplicates: sent.duplicates,
    waits: server.waits,
    serverCpuUsPerEvent: (server.cpuMs * 1000) / events,
    check: { ...stored, summaries },
  };
}

/**
 * Creates a fresh database on the server of `adminUrl`, starts two API processes on it, and runs the
 * library, one replica and two replicas in turn for `rounds` rounds; drops the database after.
 * @example const runs = await benchReplicas('postgres://postgres@127.0.0.1:5432/postgres', QUICK)
 */
export async function benchReplicas(adminUrl: string, options: ReplicaBenchOptions): Promise<RunResult[]> {
  // The replicas run `node apps/api/dist/main.js`: a build older than the sources would be measured instead.
  assertFreshDist(ROOT, ['packages/core', 'packages/tracker', 'apps/api']);
  // A name of this run's own (process id and start time): a fixed name, dropped `with (force)` first, would
  // kill another run of this benchmark mid-way on the same server.
  const database = `bytemeter_bench_replicas_${process.pid}_${Date.now()}`;
  const databaseUrl = await createPostgresDatabase(adminUrl, database);
  const replicas: ApiProcess[] = [];
  try {
    // Started together: both migrate the new database, once (Kysely's migration lock).
    replicas.push(...(await Promise.all([startApiProcess({ databaseUrl }), startApiProcess({ databaseUrl })])));
    log(`two API processes on ${database}: ${replicas.map((r) => r.url).join(', ')}`);
    // Warm-up (JIT, statement plans, pools): one small run per setup, checked but not reported.
    const warm = { ...options, eventsPerSender: 2 * BATCH };
    let run = 0;
    for (const setup of ['library', 'one', 'two'] as const) await runOnce(setup, run++, databaseUrl, replicas, warm);
    const results: RunResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const setup of ['library', 'one', 'two'] as const) {
        const result = await runOnce(setup, run++, databaseUrl, replicas, options);
        log(
          `round ${round + 1}/${options.rounds} ${setup}: ${Math.round(result.eventsPerSecond)} events/s (${result.events} in ${result.seconds.toFixed(2)} s), exact`,
        );
        results.push(result);
      }
    }
    return results;
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await onAdmin(adminUrl, `drop database if exists ${database} with (force)`);
  }
}
