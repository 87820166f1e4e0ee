import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker, RESOURCE_TYPES } from '@bytemeter/tracker';
import { measureQuery, type ThroughputResult } from './http-throughput.js';
import { startServerProcess } from './server-process.js';
import { measureSubscribers, type SubscriberCost } from './subscribers.js';

export interface ApiBenchOptions {
  /** Events stored before measuring (spread over 30 days, 8 backends). */
  events: number;
  /** Seconds per autocannon run. */
  seconds: number;
  connections: number;
  subscribers: number;
  subscriberSeconds: number;
}

export const FULL: ApiBenchOptions = {
  events: 1_000_000,
  seconds: 10,
  connections: 20,
  subscribers: 1000,
  subscriberSeconds: 10,
};
export const QUICK: ApiBenchOptions = {
  events: 50_000,
  seconds: 3,
  connections: 10,
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
    const server = await startServerProcess(path);
    try {
      const http: ThroughputResult[] = [];
      const cpu = () => server.cpuMs();
      const summary =
        '{ usageSummary(period: DAY) { totals { bandwidthUpload bandwidthDownload storageUsed apiCalls operationCostMicros } backends { name resources { resourceType totalAmount operationCount } } } }';
      // Warm-up so JIT and statement caches are hot for both.
      await measureQuery(server.url, 'warm-up', summary, { seconds: 1, connections: options.connections }, cpu);
      log('HTTP { __typename }');
      http.push(await measureQuery(server.url, '`{ __typename }`', '{ __typename }', options, cpu));
      log('HTTP usageSummary');
      http.push(
        await measureQuery(
          server.url,
          '`usageSummary(period: DAY)` (totals + 8 backends × 5 resources)',
          summary,
          options,
          cpu,
        ),
      );
      const monthly =
        '{ usageSummary(period: MONTH, timezone: "Asia/Kolkata") { totals { bandwidthUpload apiCalls } } }';
      http.push(
        await measureQuery(
          server.url,
          '`usageSummary(period: MONTH, timezone: "Asia/Kolkata")` totals',
          monthly,
          options,
          cpu,
        ),
      );

      log('1 liveBandwidth subscriber');
      const idle = await measureSubscribers(server, 0, Math.min(options.subscriberSeconds, 5));
      const one = await measureSubscribers(server, 1, options.subscriberSeconds);
      log(`${options.subscribers} liveBandwidth subscribers`);
      const many = await measureSubscribers(server, options.subscribers, options.subscriberSeconds);
      return render(options, http, [idle, one, many]);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(options: ApiBenchOptions, http: ThroughputResult[], subs: SubscriberCost[]): string {
  const base = http[0]!;
  const lines = [
    '## GraphQL API (`apps/api`)',
    '',
    `Measured ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} after the run), Node ${process.version}.`,
    `The server runs as its own process (\`node src/main.ts\` via tsx) on 127.0.0.1 over a SQLite file with ${fmt(options.events)} events over 30 days; autocannon runs in the bench process on the same 2 cores, ${options.connections} connections, ${options.seconds} s per query, no tokens (loopback).`,
    '',
    '| query over HTTP | requests/s | p50 ms | p99 ms | vs `{ __typename }` | server CPU µs/request | errors / non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...http.map(
      (r) =>
        `| ${r.name} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt((r.requestsPerSecond / base.requestsPerSecond) * 100)} % | ${fmt(r.serverCpuUsPerRequest)} | ${r.errors} / ${r.non2xx} |`,
    ),
    '',
    'Target (DESIGN.md): `usageSummary` ≥ 5k requests/s, p99 ≤ 20 ms on 2 cores. `{ __typename }` is the ceiling of Yoga + HTTP on this machine; the gap to it is what the tracker read costs. Requests/s and latency depend on what else the shared machine runs (see the load average); server CPU per request does much less, and 1,000,000 / (CPU µs per request) is the requests/s one free core could serve.',
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
