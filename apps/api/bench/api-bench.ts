import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker, RESOURCE_TYPES } from '@bytemeter/tracker';
import { measureQuery, median, medianResult, type ThroughputResult } from './http-throughput.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { measureSubscribers, type SubscriberCost } from './subscribers.js';

export interface ApiBenchOptions {
  /** Events stored before measuring (spread over 30 days, 8 backends). */
  events: number;
  /** Seconds per autocannon run. */
  seconds: number;
  /** Runs per query, the queries alternating round by round; figures are medians over the rounds. */
  rounds: number;
  /**
   * Runs per query of the side-by-side read comparison: short runs, the queries interleaved run by run, so
   * load from other users of the machine hits them alike; each ratio is taken within a round (a query's run
   * against the empty query's run just before it) and the median of those ratios reported.
   */
  readRounds: number;
  /** Seconds per run of the side-by-side read comparison. */
  readSeconds: number;
  connections: number;
  /** trackUsage calls of 1,000 events: connections (each waits for its answer before sending the next). */
  ingestConnections: number;
  subscribers: number;
  subscriberSeconds: number;
}

export const FULL: ApiBenchOptions = {
  events: 1_000_000,
  seconds: 10,
  rounds: 3,
  readRounds: 15,
  readSeconds: 2,
  connections: 20,
  ingestConnections: 4,
  subscribers: 1000,
  subscriberSeconds: 10,
};
export const QUICK: ApiBenchOptions = {
  events: 50_000,
  seconds: 3,
  rounds: 2,
  readRounds: 5,
  readSeconds: 1,
  connections: 10,
  ingestConnections: 2,
  subscribers: 200,
  subscriberSeconds: 4,
};

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} api bench: ${line}\n`);

async function seed(path: string, events: number): Promise<void> {
  const tracker = openResourceTracker({ path, flushOnExit: false, maxBatchSize: 50_000 });
  const now = Date.now();
  const span = 30 * 86_400_000;
  const backends = Array.from({ length: 8 }, (_, i) => `backend-${i}`);
  for (let i = 0; i < events; i++) {
    const resourceType = RESOURCE_TYPES[i % RESOURCE_TYPES.length]!;
    tracker.trackResourceUsage({
      backend: backends[i % backends.length]!,
      backendType: 's3',
      resourceType,
      amount: resourceType === 'storage_used' ? 10 : 1 + (i % 4096),
      timestamp: now - span + Math.floor((i / events) * span),
    });
    if (i % 50_000 === 49_999) await tracker.flush();
  }
  await tracker.close();
}

const BATCH = 1000;
/** Events per trackUsage call in the ingest measurements. */
export const INGEST_BATCH = BATCH;
const INGEST = 'mutation($events: [UsageEventInput!]!) { trackUsage(events: $events) { accepted duplicates } }';

/** One 1,000-event batch as the API takes it (GraphQL enum names) and as the tracker takes it. */
function batch(): { graphql: Record<string, unknown>[]; tracker: Record<string, unknown>[] } {
  const graphql = [];
  const tracker = [];
  for (let i = 0; i < BATCH; i++) {
    const resource = i % 2 === 0 ? 'bandwidth_upload' : 'api_calls';
    const amount = resource === 'api_calls' ? 1 : 1 + (i % 4096);
    const backend = `backend-${i % 8}`;
    graphql.push({ backend, backendType: 'S3', resourceType: resource.toUpperCase(), amount, operationId: `op-${i}` });
    tracker.push({ backend, backendType: 's3', resourceType: resource, amount, operationId: `op-${i}` });
  }
  return { graphql, tracker };
}

/** The JSON body of one trackUsage call of the ingest measurements (INGEST_BATCH events). */
export const ingestBody = () => ({ query: INGEST, variables: { events: batch().graphql } });

/**
 * The events one trackUsage answer says were stored: its `accepted`, or 0 when it carries GraphQL errors
 * or is not such an answer. A refused batch or an error still comes back as HTTP 200, so a rate counted
 * from answers alone would credit a build that stores nothing.
 * @example ingestAccepted('{"data":{"trackUsage":{"accepted":1000,"duplicates":0}}}') // 1000
 */
export function ingestAccepted(body: string): number {
  try {
    const answer = JSON.parse(body) as { data?: { trackUsage?: { accepted?: unknown } }; errors?: unknown[] };
    const accepted = answer.data?.trackUsage?.accepted;
    return answer.errors?.length || typeof accepted !== 'number' ? 0 : accepted;
  } catch {
    return 0;
  }
}

/** Whether a trackUsage answer stored its whole INGEST_BATCH-event batch. */
export const ingestStoredAll = (body: string): boolean => ingestAccepted(body) === BATCH;

interface IngestResult {
  /** Median events/s stored through trackUsage over HTTP (1,000-event batches). */
  apiPerSec: number;
  /** Median server CPU µs per event. */
  apiCpuUsPerEvent: number;
  p99Ms: number;
  errors: number;
  /** Median events/s of the same batches through tracker.ingestBatch in one process, no HTTP or GraphQL. */
  trackerPerSec: number;
}

/**
 * trackUsage with 1,000-event batches against the server, alternated with the same batches through
 * `tracker.ingestBatch` in this process (a fresh file), the baseline: what the API adds to the tracker.
 */
async function measureIngest(
  url: string,
  dir: string,
  options: ApiBenchOptions,
  cpu: () => number,
): Promise<IngestResult> {
  const { graphql, tracker: events } = batch();
  const body = { query: INGEST, variables: { events: graphql } };
  const api: ThroughputResult[] = [];
  const direct: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    log(`trackUsage round ${round + 1}/${options.rounds}`);
    api.push(
      await measureQuery(
        url,
        'trackUsage',
        body,
        { seconds: options.seconds, connections: options.ingestConnections, verify: ingestStoredAll },
        cpu,
      ),
    );
    const tracker = openResourceTracker({ path: join(dir, `ingest-${round}.db`), flushOnExit: false });
    await tracker.ready;
    let stored = 0;
    const start = performance.now();
    while (performance.now() - start < options.seconds * 1000) {
      const result = await tracker.ingestBatch(events);
      if (result.accepted !== BATCH) throw new Error(`ingestBatch stored ${result.accepted} of ${BATCH}`);
      stored += result.accepted;
    }
    direct.push((stored * 1000) / (performance.now() - start));
    await tracker.close();
  }
  const http = medianResult(api);
  return {
    apiPerSec: http.requestsPerSecond * BATCH,
    apiCpuUsPerEvent: http.serverCpuUsPerRequest / BATCH,
    p99Ms: http.p99Ms,
    // An answer that did not store its whole batch counts as an error like a transport error.
    errors: http.errors + http.non2xx + http.mismatches,
    trackerPerSec: median(direct),
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Runs the API benchmarks and returns them as a markdown section (for BENCHMARKS.md): usageSummary over
 * HTTP beside `{ __typename }` on the same server in the same run, and the server's cost of 1 vs N
 * liveBandwidth subscribers.
 * @example const markdown = await runApiBenchmarks(QUICK)
 */
export async function runApiBenchmarks(options: ApiBenchOptions = FULL): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-api-bench-'));
  const path = join(dir, 'bench.db');
  try {
    log(`seeding ${fmt(options.events)} events`);
    await seed(path, options.events);
    // Without tokens every socket counts as one token: let all the fan-out's subscribers in (default 256).
    const server = await startServerProcess(path, {
      env: { BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN: String(Math.max(256, options.subscribers)) },
    });
    // The same file and code with summaries never kept: every request executes and reads the rollups (the
    // case of a commit between every two requests, which neither the response cache nor the memo answers).
    let uncachedServer: ServerProcess | undefined;
    try {
      const uncached = await startServerProcess(path, { env: { BYTEMETER_API_CACHE_SUMMARIES: 'false' } });
      uncachedServer = uncached;
      const cpu = () => server.cpuMs();
      const summary =
        '{ usageSummary(period: DAY) { totals { bandwidthUpload bandwidthDownload storageUsed apiCalls operationCostMicros } backends { name resources { resourceType totalAmount operationCount } } } }';
      const monthly =
        '{ usageSummary(period: MONTH, timezone: "Asia/Kolkata") { totals { bandwidthUpload apiCalls } } }';
      const queries = [
        { name: '`{ __typename }`', query: '{ __typename }', on: server },
        { name: '`usageSummary(period: DAY)` (totals + 8 backends × 5 resources)', query: summary, on: server },
        { name: '`usageSummary(period: MONTH, timezone: "Asia/Kolkata")` totals', query: monthly, on: server },
        {
          name: '`usageSummary(period: DAY)`, every request executed (`BYTEMETER_API_CACHE_SUMMARIES=false`)',
          query: summary,
          on: uncached,
        },
      ];
      // Warm-up so JIT and statement caches are hot for all.
      for (const q of queries) {
        await measureQuery(q.on.url, 'warm-up', q.query, { ...options, seconds: 1 }, () => q.on.cpuMs());
      }
      const runs = queries.map(() => [] as ThroughputResult[]);
      const short = { ...options, seconds: options.readSeconds };
      for (let round = 0; round < options.readRounds; round++) {
        log(`HTTP round ${round + 1}/${options.readRounds}`);
        // The order rotates, so no query always runs first (right after the machine was idle, say).
        for (let k = 0; k < queries.length; k++) {
          const i = (round + k) % queries.length;
          const q = queries[i]!;
          runs[i]!.push(await measureQuery(q.on.url, q.name, q.query, short, () => q.on.cpuMs()));
        }
      }
      const http = runs.map(medianResult);
      const ratios = runs.map((r) => pairedRatios(runs[0]!, r));
      log('1 liveBandwidth subscriber');
      const idle = await measureSubscribers(server, 0, Math.min(options.subscriberSeconds, 5));
      const one = await measureSubscribers(server, 1, options.subscriberSeconds);
      log(`${options.subscribers} liveBandwidth subscribers`);
      const many = await measureSubscribers(server, options.subscribers, options.subscriberSeconds);
      // Last: ingest adds events to the file the reads above measured.
      const ingest = await measureIngest(server.url, dir, options, cpu);
      return render(options, http, ratios, [idle, one, many], ingest);
    } finally {
      await uncachedServer?.stop();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Within each round, a query's requests/s and server CPU per request against the empty query's. */
interface PairedRatios {
  requests: number[];
  cpu: number[];
}

function pairedRatios(base: readonly ThroughputResult[], runs: readonly ThroughputResult[]): PairedRatios {
  return {
    requests: runs.map((r, i) => r.requestsPerSecond / base[i]!.requestsPerSecond),
    cpu: runs.map((r, i) => r.serverCpuUsPerRequest / base[i]!.serverCpuUsPerRequest),
  };
}

/** The middle half of a sample: its 25th and 75th percentiles (nearest rank). */
function quartiles(xs: readonly number[]): [number, number] {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return [at(0.25), at(0.75)];
}

function render(
  options: ApiBenchOptions,
  http: ThroughputResult[],
  ratios: PairedRatios[],
  subs: SubscriberCost[],
  ingest: IngestResult,
): string {
  const lines = [
    '## GraphQL API (`apps/api`)',
    '',
    `Measured ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} after the run), Node ${process.version}.`,
    `The server runs as its own process (\`node src/main.ts\` via tsx) on 127.0.0.1 over a SQLite file with ${fmt(options.events)} events over 30 days; autocannon runs in the bench process on the same 2 cores, ${options.connections} connections, no tokens (loopback). The four runs are interleaved in ${options.readRounds} rounds of ${options.readSeconds} s runs (the order rotating each round), so load from the rest of the machine hits them alike; "vs \`{ __typename }\`" is the median over the rounds of each round's ratio (its middle half beside it), the other figures medians of the runs.`,
    '',
    '| query over HTTP | requests/s | p50 ms | p99 ms | vs `{ __typename }` (middle half) | server CPU µs/request | CPU vs `{ __typename }` | errors / non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...http.map((r, i) => {
      const paired = ratios[i]!;
      const [low, high] = quartiles(paired.requests);
      return `| ${r.name} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(median(paired.requests) * 100)} % (${fmt(low * 100)}–${fmt(high * 100)} %) | ${fmt(r.serverCpuUsPerRequest)} | ${fmt(median(paired.cpu), 2)}× | ${r.errors} / ${r.non2xx} |`;
    }),
    '',
    "Target (issue 13): `usageSummary` DAY ≥ 80 % of the requests/s of `{ __typename }` on the same server, p99 ≤ 20 ms. `{ __typename }` is the ceiling of Yoga + HTTP on this machine; the gap to it is what the read and its result cost. Between two commits to the database, identical summary requests are answered from the API's response cache (checked against the tracker's summary version: any connection's commit, or the clock reaching another period), so a dashboard watched by many costs one execution per flush; the bench's repeated query is that case. The last row is the other extreme, a commit between every two requests: a second server process on the same file and code with `BYTEMETER_API_CACHE_SUMMARIES=false` (no summary version, so neither the response cache nor the tracker's memo keeps anything), each request executing the query and reading the rollups; its ratio is against the `{ __typename }` run of the same round on the first server (the two processes take turns, the idle one costs nothing). Requests/s and latency depend on what else the shared machine runs (see the load average); server CPU per request does much less, and 1,000,000 / (CPU µs per request) is the requests/s one free core could serve.",
    '',
    `Ingest: \`trackUsage\` with ${fmt(BATCH)}-event batches (no ids, server time stamps), ${options.ingestConnections} connections, alternated with the same batches through \`tracker.ingestBatch\` in the bench process on a fresh file (the baseline: the tracker without HTTP and GraphQL); medians of ${options.rounds} runs of ${options.seconds} s.`,
    '',
    '| | events/s | vs `tracker.ingestBatch` | server CPU µs/event | p99 ms per call | errors |',
    '|---|---:|---:|---:|---:|---:|',
    `| \`trackUsage\` over HTTP | ${fmt(ingest.apiPerSec)} | ${fmt((ingest.apiPerSec / ingest.trackerPerSec) * 100)} % | ${fmt(ingest.apiCpuUsPerEvent, 2)} | ${fmt(ingest.p99Ms, 1)} | ${ingest.errors} |`,
    `| baseline: \`tracker.ingestBatch\` in process | ${fmt(ingest.trackerPerSec)} | 100 % | — | — | 0 |`,
    '',
    `Live bandwidth fan-out: graphql-ws clients, one socket each, subscribed to \`liveBandwidth(intervalMs: 1000)\`; server CPU and RSS read from /proc over ${options.subscriberSeconds} s.`,
    '',
    '| subscribers (receiving) | server CPU ms per s | server RSS MiB | samples delivered per s |',
    '|---:|---:|---:|---:|',
    ...subs.map(
      (s) =>
        `| ${fmt(s.subscribers)} (${fmt(s.live)}) | ${fmt(s.cpuMsPerSecond, 1)} | ${fmt(s.rssMiB, 1)} | ${fmt(s.samplesPerSecond, 1)} |`,
    ),
    '',
    'The bandwidth sum runs once per tick per (backend, interval) whatever the number of subscribers (a shared ticker); what grows with subscribers is serialising and sending each sample on each socket, and the sockets themselves.',
  ];
  return `${lines.join('\n')}\n`;
}
