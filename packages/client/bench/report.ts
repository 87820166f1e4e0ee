import { cpus, loadavg } from 'node:os';
import { BATCH, type ReplicaBenchOptions, type RunResult, type Setup } from './replicas.js';

const TARGET = 50_000;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const LABEL: Record<Setup, string> = {
  library: 'baseline: `tracker.ingestBatch` in one process, no HTTP',
  one: 'SDK senders → one API replica',
  two: 'SDK senders → two API replicas (half each)',
};

/** The `replicas` section of BENCHMARKS.md: medians per setup, ratios within the run, the exactness checks. */
export function renderReplicas(options: ReplicaBenchOptions, runs: readonly RunResult[]): string {
  const of = (setup: Setup) => runs.filter((r) => r.setup === setup);
  const rate = (setup: Setup) => median(of(setup).map((r) => r.eventsPerSecond));
  const library = rate('library');
  const one = rate('one');
  const two = rate('two');
  const row = (setup: Setup) => {
    const rs = of(setup);
    const api = (i: number) => fmt(median(rs.map((r) => r.apiCpuUsPerEvent[i]!)), 1);
    const perSec = rate(setup);
    return `| ${LABEL[setup]} | ${fmt(perSec)} | ${rs.map((r) => fmt(r.eventsPerSecond)).join(' / ')} | ${fmt(perSec / one, 2)}× | ${fmt(perSec / library, 2)}× | ${api(0)} / ${api(1)} | ${fmt(median(rs.map((r) => r.senderCpuUsPerEvent)), 1)} | ${fmt(median(rs.map((r) => r.serverCpuUsPerEvent)), 1)} | ${rs.reduce((n, r) => n + r.retries, 0)} / ${rs.reduce((n, r) => n + r.duplicates, 0)} |`;
  };
  /** The three commonest waits of the database's active sessions over a setup's runs (mean share). */
  const waits = (setup: Setup) => {
    const rs = of(setup);
    const sum = new Map<string, number>();
    for (const r of rs) for (const [k, v] of Object.entries(r.waits)) sum.set(k, (sum.get(k) ?? 0) + v / rs.length);
    return [...sum]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k} ${fmt(v * 100)} %`)
      .join(', ');
  };
  const med = (f: (r: RunResult) => number) => median(of('two').map(f));
  const apiTwo = med((r) => r.apiCpuUsPerEvent.reduce((a, b) => a + b, 0));
  const senderTwo = med((r) => r.senderCpuUsPerEvent);
  const pgTwo = med((r) => r.serverCpuUsPerEvent);
  const cpuTwo = apiTwo + senderTwo + pgTwo;
  const events = options.senders * options.eventsPerSender;
  const lines = [
    '## API replicas on PostgreSQL (`packages/client/bench/replicas.ts`)',
    '',
    `Measured ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )} after the run), Node ${process.version}. Two built \`@bytemeter/api\` processes (\`node apps/api/dist/main.js\`, their own processes, 127.0.0.1) on one fresh PostgreSQL database (created for the run, dropped after), the server, the senders and both replicas on the same 2 cores. ${options.senders} concurrent SDK senders (\`createRemoteTracker\`, one request in flight each) in the bench process send ${fmt(options.eventsPerSender)} events each (${fmt(events)} per run), \`trackBandwidthUpload\` with the SDK's UUIDv7 ids, in batches of ${fmt(BATCH)}; the events are recorded first, then the clock runs until every sender's backlog is acknowledged. "Two replicas" sends sender *i* to replica *i* mod 2 (what a round-robin balancer does per connection); "one replica" sends all of them to replica 1 while replica 2 idles. The baseline sends the same 1,000-event batches, with ids, through \`tracker.ingestBatch\` on one library tracker in the bench process, ${options.senders} calls in flight. The three alternate for ${options.rounds} round(s) after a checked warm-up; figures are medians.`,
    '',
    `| setup | events/s (median) | each run | vs one replica | vs library | API CPU µs/event (replica 1 / 2) | bench process CPU µs/event | PostgreSQL CPU µs/event | retries / duplicates |`,
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
    row('library'),
    row('one'),
    row('two'),
    '',
    'What the database sessions inside a transaction were doing (pg_stat_activity sampled every 20 ms during the runs; `CPU` = running a statement, not waiting; `idle in transaction` = waiting for the client (the API or library process) to send the next statement; `Lock:transactionid`/`Lock:tuple` = waiting for a row another transaction holds; `IO:WALSync`/`LWLock:WALWrite` = waiting for a commit to reach the disk):',
    '',
    '| setup | commonest waits (share of samples) |',
    '|---|---|',
    ...(['library', 'one', 'two'] as const).map((setup) => `| ${LABEL[setup]} | ${waits(setup)} |`),
    '',
    `Target (issue 10): ≥ ${fmt(TARGET)} events/s through two replicas: **${two >= TARGET ? 'met' : 'not met'}** (${fmt(two)} events/s, ${fmt(two / TARGET, 2)}× the target, ${fmt(two / one, 2)}× one replica, ${fmt(two / library, 2)}× the library in one process).`,
    '',
    `CPU per event through two replicas, all processes together: ${fmt(cpuTwo, 1)} µs (API ${fmt(apiTwo, 1)}, SDK senders ${fmt(senderTwo, 1)} recording and sending, PostgreSQL sessions ${fmt(pgTwo, 1)}; the WAL writer and the OS not counted), so ${cpus().length} free cores could carry at most ${fmt((cpus().length * 1e6) / cpuTwo)} events/s of it; ${fmt(TARGET)} events/s on ${cpus().length} cores needs ≤ ${fmt((cpus().length * 1e6) / TARGET, 1)} µs. "Bench process CPU" is the SDK senders (recording, JSON, HTTP) in the API setups and the whole library tracker in the baseline.`,
    '',
    `Zero loss, checked exactly after every run (the run fails otherwise): every sender's events acknowledged (none dropped), the \`events\` table holding exactly ${fmt(events)} rows for the run's backends whose amounts (all distinct) sum to what was sent, and \`usageSummary(period: DAY)\` through each of the two replicas (from the rollups) reporting the same count and total. All ${runs.length} runs passed.`,
  ];
  return `${lines.join('\n')}\n`;
}
