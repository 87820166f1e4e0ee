// `pnpm --filter @bytemeter/tracker bench:retention` (issue 10 item 4, "measure and choose"): the tracker's
// retention, which deletes expired raw events in bounded slices, against one table-wide DELETE of the same
// rows, on copies of the cached 1M- and 10M-event SQLite files and PostgreSQL databases (half of their 60
// days expired), while another process keeps recording. Writes the `retention` section of BENCHMARKS.md
// (`--quick`: 1M only, printed, not written).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { openResourceTracker } from '../src/index.js';
import { ANCHOR, ensureDataset } from './datasets.js';
import { machineInfo } from './machine.js';
import { copyDatabase, databaseOn, ensurePgDataset, withClient } from './pg-dataset.js';
import { PG_BENCH_URL, pgAvailable } from './postgres.js';
import { median, nowMs, percentile } from './stats.js';

const DAY = 86_400_000;
/** Raw events kept: the datasets span the 60 days before ANCHOR, so about half of them expire. */
const RETAIN_MS = 30 * DAY;
const CUTOFF = ANCHOR - RETAIN_MS;
/** Idle writer time before each deletion starts: its latency without one. */
const IDLE_MS = 2_000;

const quick = process.argv.includes('--quick');
const sizes = quick ? [1_000_000] : [1_000_000, 10_000_000];
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(packageDir, '.bench');
const scratch = join(cacheDir, 'retention');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

type Store = { path: string } | { databaseUrl: string };

interface WriterCall {
  at: number;
  ms: number;
  ok: boolean;
}

interface Outcome {
  store: 'SQLite' | 'PostgreSQL';
  events: number;
  method: 'slices' | 'one DELETE';
  deleted: number;
  totalMs: number;
  /** Each transaction's duration (one for the single DELETE). */
  transactions: number[];
  idle: WriterCall[];
  during: WriterCall[];
}

/** Starts the writer process on `store`; resolves once it has recorded its first batches. */
async function startWriter(store: Store): Promise<{ stop(): Promise<WriterCall[]> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(packageDir, 'bench/retention-writer.ts'), JSON.stringify(store)],
    { cwd: packageDir, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const ready = await next();
  if (ready !== 'ready') throw new Error(`writer said ${ready}`);
  return {
    async stop() {
      const result = next();
      child.stdin!.end('stop\n');
      const calls = JSON.parse(await result) as WriterCall[];
      await new Promise((resolve) => child.once('exit', resolve));
      return calls;
    },
  };
}

async function countExpired(store: Store): Promise<number> {
  if ('path' in store) {
    const db = new Sqlite(store.path, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from events where ts < ?').get(CUTOFF) as { n: number }).n;
    } finally {
      db.close();
    }
  }
  return withClient(store.databaseUrl, async (c) =>
    Number((await c.query('select count(*) as n from events where ts < $1', [CUTOFF])).rows[0].n),
  );
}

/** One deletion: its wall-clock window (epoch ms, for the writer's calls), duration and transactions. */
interface Deletion {
  from: number;
  to: number;
  totalMs: number;
  transactions: number[];
}

/** What the tracker's retention uses of itself, reached for timing each of its transactions. */
interface RetentionInternals {
  retention: {
    runner: { write(plan: unknown): unknown };
    pruneIfDue(now: number): Promise<void>;
  };
}

/** The tracker's retention on `store`: every transaction timed (raw-event slices, then keys and minutes). */
async function sliced(store: Store): Promise<Deletion> {
  const tracker = openResourceTracker({
    ...store,
    clock: () => ANCHOR,
    rawRetentionMs: RETAIN_MS,
    // Minute rollups are kept long enough to have nothing to delete: only raw events are measured.
    minuteRetentionMs: 3650 * DAY,
    flushOnExit: false,
  });
  await tracker.ready;
  const { retention } = tracker as unknown as RetentionInternals;
  const runner = retention.runner;
  const write = runner.write.bind(runner);
  const transactions: number[] = [];
  runner.write = (plan: unknown) => {
    const start = nowMs();
    return Promise.resolve(write(plan)).finally(() => transactions.push(nowMs() - start));
  };
  const from = Date.now();
  const start = nowMs();
  await retention.pruneIfDue(ANCHOR);
  const totalMs = nowMs() - start;
  const to = Date.now();
  // Outside the window: closing checkpoints the WAL, which a tracker that stays open does in the background.
  await tracker.close();
  // The last two transactions are the idempotency-key slice and the minute rollups (nothing to delete in
  // either here); the raw-event slices come before them.
  return { from, to, totalMs, transactions: transactions.slice(0, -2) };
}

/** One `DELETE … WHERE ts < cutoff` of the same rows, in one transaction. */
async function oneDelete(store: Store): Promise<Deletion> {
  let from = 0;
  let start = 0;
  const done = () => {
    const totalMs = nowMs() - start;
    return { from, to: Date.now(), totalMs, transactions: [totalMs] };
  };
  if ('path' in store) {
    const db = new Sqlite(store.path, { timeout: 60_000 });
    try {
      const statement = db.prepare('delete from events where ts < ?');
      from = Date.now();
      start = nowMs();
      statement.run(CUTOFF);
      return done();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.databaseUrl });
  await client.connect();
  try {
    from = Date.now();
    start = nowMs();
    await client.query('delete from events where ts < $1', [CUTOFF]);
    return done();
  } finally {
    await client.end();
  }
}

async function measure(
  label: Outcome['store'],
  events: number,
  method: Outcome['method'],
  fresh: () => Promise<{ store: Store; drop(): Promise<void> }>,
): Promise<Outcome> {
  const { store, drop } = await fresh();
  try {
    const expired = await countExpired(store);
    const writer = await startWriter(store);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    log(`${label} ${events.toLocaleString('en-US')}: ${method}, ${expired.toLocaleString('en-US')} expired events`);
    const { from, to, totalMs, transactions } = await (method === 'slices' ? sliced(store) : oneDelete(store));
    const calls = await writer.stop();
    const left = await countExpired(store);
    if (left !== 0) throw new Error(`${label} ${method}: ${left} expired events left`);
    return {
      store: label,
      events,
      method,
      deleted: expired,
      totalMs,
      transactions,
      idle: calls.filter((c) => c.at + c.ms < from),
      // Calls that overlapped the deletion.
      during: calls.filter((c) => c.at + c.ms >= from && c.at <= to),
    };
  } finally {
    await drop();
  }
}

const outcomes: Outcome[] = [];
mkdirSync(scratch, { recursive: true });
try {
  for (const events of sizes) {
    const dataset = await ensureDataset(cacheDir, { events, mode: 'full', keys: false }, log);
    const sqliteCopy = async () => {
      const path = join(scratch, `retention-${events}.db`);
      copyFileSync(dataset.path, path);
      return { store: { path }, drop: async () => rmSync(path, { force: true }) };
    };
    for (const method of ['slices', 'one DELETE'] as const) {
      outcomes.push(await measure('SQLite', events, method, sqliteCopy));
    }
  }
  if (await pgAvailable(PG_BENCH_URL)) {
    for (const events of sizes) {
      const source = `bytemeter_bench_${events}`;
      await ensurePgDataset(PG_BENCH_URL, events, log);
      const copy = `bytemeter_bench_retention`;
      const pgCopy = async () => {
        log(`postgres: copying ${source}`);
        await copyDatabase(PG_BENCH_URL, source, copy);
        return {
          store: { databaseUrl: databaseOn(PG_BENCH_URL, copy) },
          drop: async () => {
            await withClient(PG_BENCH_URL, (c) => c.query(`drop database if exists "${copy}" with (force)`));
          },
        };
      };
      for (const method of ['slices', 'one DELETE'] as const) {
        outcomes.push(await measure('PostgreSQL', events, method, pgCopy));
      }
    }
  } else log(`postgres: no server at ${PG_BENCH_URL}, skipped`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (x: number) => n(x, x < 10 ? 2 : x < 100 ? 1 : 0);
const latency = (calls: readonly WriterCall[]) => {
  const ok = calls.filter((c) => c.ok).map((c) => c.ms);
  const failed = calls.length - ok.length;
  if (ok.length === 0) return `— (${failed} failed)`;
  return `${ms(median(ok))} / ${ms(percentile(ok, 99))} / ${ms(Math.max(...ok))}${failed ? `, **${failed} failed**` : ''}`;
};
const machine = machineInfo();
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const markdown = [
  '## Retention (issue 10 item 4, `packages/tracker/bench/retention.ts`)',
  '',
  `Measured ${new Date().toISOString()} on ${machine.cpu} (${machine.cores} cores, load average ${load} at the end), Node ${machine.node}. On a copy of each cached dataset (events over the 60 days before its end, clock at its end), raw events older than 30 days are deleted, about half of them: by the tracker's retention (\`tracker/retention.ts\`: slices of at most 20,000 rows, each one transaction picking the oldest expired rows through the \`ts\` index and deleting exactly those by id), and, on a fresh copy, by one \`DELETE FROM events WHERE ts < cutoff\`. Meanwhile another process records 100-event batches of new events (\`ingestBatch\`, one every 20 ms after the previous returns); its calls before the deletion are the idle baseline. One run of each; times in ms.`,
  '',
  '| store | events | method | deleted | wall time | events/s | transactions | longest transaction | writer p50 / p99 / max while idle | writer p50 / p99 / max during the deletion |',
  '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ...outcomes.map(
    (o) =>
      `| ${o.store} | ${n(o.events)} | ${o.method} | ${n(o.deleted)} | ${ms(o.totalMs)} | ${n((o.deleted * 1000) / o.totalMs)} | ${n(o.transactions.length)} | ${ms(Math.max(...o.transactions))} (p50 ${ms(median(o.transactions))}) | ${latency(o.idle)} | ${latency(o.during)} |`,
  ),
  '',
];
const text = `${markdown.join('\n')}\n`;
process.stdout.write(text);
if (!quick) writeSection(join(packageDir, '..', '..', 'BENCHMARKS.md'), 'retention', text);
