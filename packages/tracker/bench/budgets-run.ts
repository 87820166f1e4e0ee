// `pnpm --filter @bytemeter/tracker bench:budgets` (issue 12): the state of 100 budgets read from rollups
// (p50 against the straightforward per-zone read, getCosts and a month summary in the same run), on SQLite
// and on PostgreSQL; evaluations of 100 budgets; and the recording overhead of evaluating budgets after
// flushes (ingest with 100 budgets against none).
// Writes the "budgets" section of BENCHMARKS.md (`--quick`: a smaller dataset, report on stderr only).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import Sqlite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { loadBudgets } from '../src/budgets/budget-store.js';
import { readBudgetValues } from '../src/budgets/budget-values.js';
import type { Runner } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import { type BudgetInput, openResourceTracker, type ResourceTracker, type TrackerOptions } from '../src/index.js';
import type { Resolution } from '../src/rollup/grains.js';
// How budgets were read before they shared one usage ledger, kept for the tests to compare against; timed
// here beside the current read, in the same run.
import { referenceBudgetValues } from '../test/support/budget-values-reference.js';
import { ANCHOR, ensureDataset } from './datasets.js';
import { machineInfo } from './machine.js';
import { copyDatabase, databaseOn, ensurePgDataset, withClient } from './pg-dataset.js';
import { PG_BENCH_URL, pgAvailable } from './postgres.js';
import { median, nowMs, percentile } from './stats.js';
import { BACKENDS } from './synthetic.js';

const quick = process.argv.includes('--quick');
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(packageDir, '.bench');
const scratch = join(cacheDir, 'scratch-budgets');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

const events = quick ? 100_000 : 1_000_000;
// The machine is shared: its load beside the figures says how far they are from a quiet machine's.
const loadAtStart = loadavg()[0]!;
const dataset = await ensureDataset(cacheDir, { events, mode: 'full', keys: false }, log);

/** 100 budgets over the dataset's backends: transfer, calls, cost and storage, in three zones. */
function hundredBudgets(): BudgetInput[] {
  const metrics = ['bandwidth_upload', 'bandwidth_download', 'api_calls', 'cost', 'storage_level'] as const;
  const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata'];
  return Array.from({ length: 100 }, (_, i) => ({
    name: `budget ${i}`,
    backend: i % 11 === 10 ? null : BACKENDS[i % BACKENDS.length]!.name,
    metric: metrics[i % metrics.length]!,
    limit: 10 ** (9 + (i % 4)),
    timezone: zones[i % zones.length]!,
    alertOnForecast: true,
  }));
}

async function timeEach(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = nowMs();
    await fn();
    out.push(nowMs() - start);
  }
  return out;
}

/** Times each function `runs` times taking turns (one of each per round), so noise falls on all alike. */
async function alternate(fns: Record<string, () => Promise<unknown>>, runs: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (const fn of Object.values(fns)) for (let i = 0; i < 5; i++) await fn();
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = nowMs();
      await fn();
      out[name]!.push(nowMs() - start);
    }
  }
  return out;
}

interface BudgetInternals {
  budgets: {
    parts: {
      db: Kysely<Database>;
      runner: Runner;
      resolution(now: number): Resolution;
      beforeRead(): Promise<void>;
    };
    evaluator: {
      evaluateNow(): Promise<unknown>;
      noteWritten(ts: number, backends: Iterable<string>): void;
      run(): Promise<void>;
    };
  };
}
const internals = (t: ResourceTracker) => (t as unknown as BudgetInternals).budgets;

/**
 * getBudgets() as it read before budgets shared one ledger read: the steps of TrackerBudgets.list (write
 * what is pending, load the budgets, read their values in one snapshot) with the per-zone read.
 */
function perZoneGetBudgets(t: ResourceTracker): () => Promise<unknown> {
  const { db, runner, resolution, beforeRead } = internals(t).parts;
  return async () => {
    await beforeRead();
    const budgets = await runner.read(() => loadBudgets(db));
    const res = resolution(ANCHOR);
    return runner.read(() => referenceBudgetValues(db, budgets, null, ANCHOR, res));
  };
}

/** Both reads answer the same, exactly (the tests check it on small stores; here on the benchmark's data). */
async function assertSameValues(t: ResourceTracker): Promise<void> {
  const { db, runner, resolution } = internals(t).parts;
  const budgets = await runner.read(() => loadBudgets(db));
  const res = resolution(ANCHOR);
  const shared = await runner.read(() => readBudgetValues(db, budgets, null, ANCHOR, res));
  const perZone = await runner.read(() => referenceBudgetValues(db, budgets, null, ANCHOR, res));
  if (!isDeepStrictEqual(shared, perZone)) throw new Error('budget values differ from the per-zone read');
}

interface ReadTimes {
  noCost: Record<string, number[]>;
  hundred: Record<string, number[]>;
}

/** The reads of one store: 80 budgets without cost, then all 100, each read both ways; then references. */
async function benchReads(store: TrackerOptions, runs: number): Promise<{ t: ResourceTracker } & ReadTimes> {
  const t = openResourceTracker({
    ...store,
    clock: () => ANCHOR,
    flushOnExit: false,
    deliverWebhooks: false,
    memoizeSummaries: false,
  });
  for (const b of BACKENDS.slice(0, 5))
    await t.setPricePlan({ backend: b.name, template: 'aws-s3-standard-us-east-1' });
  const all = hundredBudgets();
  for (const input of all.filter((b) => b.metric !== 'cost')) await t.setBudget(input);
  const noCost = await alternate({ shared: () => t.getBudgets(), perZone: perZoneGetBudgets(t) }, runs);
  for (const input of all.filter((b) => b.metric === 'cost')) await t.setBudget(input);
  await assertSameValues(t);
  const hundred = await alternate(
    {
      shared: () => t.getBudgets(),
      perZone: perZoneGetBudgets(t),
      costs: () => t.getCosts({ period: 'month' }),
      summary: () => t.getResourceSummary({ period: 'month' }),
    },
    runs,
  );
  return { t, noCost, hundred };
}

/**
 * Plans a costs bench before 4 December wrote into the shared cached file (13 rows after one run, more
 * after each): dropped from the copy, so the reads price the 5 backends this bench gives plans, as it says.
 */
function dropPlansOf(path: string): void {
  const db = new Sqlite(path);
  try {
    const dropped = db.prepare('DELETE FROM price_plans').run().changes;
    if (dropped > 0) log(`sqlite: dropped ${dropped} price plans an older costs bench left in the cached dataset`);
  } finally {
    db.close();
  }
}

// SQLite: a copy of the dataset with 100 budgets (and plans, so costs are computed), clock at its end.
const readPath = join(scratch, 'reads.db');
copyFileSync(dataset.path, readPath);
dropPlansOf(readPath);
const runs = quick ? 30 : 100;
log('sqlite: budget reads');
const sqlite = await benchReads({ path: readPath }, runs);
const evaluator = internals(sqlite.t).evaluator;
const evaluateMs = await timeEach(() => evaluator.evaluateNow(), quick ? 10 : 30);
// What runs after a flush: the budgets of the backend written and of all backends.
const written = BACKENDS[0]!.name;
const afterWriteMs = await timeEach(
  () => {
    evaluator.noteWritten(ANCHOR - 1000, [written]);
    return evaluator.run();
  },
  quick ? 10 : 30,
);
// After a backfill 80 days back: also each zone's earlier months (three of them) for that zone's budgets.
const backfillMs = await timeEach(
  () => {
    evaluator.noteWritten(ANCHOR - 80 * 86_400_000, [written]);
    return evaluator.run();
  },
  quick ? 5 : 15,
);
await sqlite.t.close();

// PostgreSQL: the same reads on a copy of the cached generated dataset of 1,000,000 events (`--quick` too: it
// is kept on the server, where a smaller one would be generated for nothing). The cached database is never
// written (other benchmarks read it); the copy is dropped afterwards.
const PG_COPY = 'bytemeter_bench_budgets';
const pgEvents = 1_000_000;
let postgres: ({ events: number; name: string } & ReadTimes) | null = null;
if (await pgAvailable(PG_BENCH_URL)) {
  const name = `bytemeter_bench_${pgEvents}`;
  await ensurePgDataset(PG_BENCH_URL, pgEvents, log);
  log(`postgres: copying ${name} for budget reads`);
  await copyDatabase(PG_BENCH_URL, name, PG_COPY);
  try {
    log('postgres: budget reads');
    const pg = await benchReads({ databaseUrl: databaseOn(PG_BENCH_URL, PG_COPY) }, runs);
    await pg.t.close();
    postgres = { events: pgEvents, name, noCost: pg.noCost, hundred: pg.hundred };
  } finally {
    await withClient(PG_BENCH_URL, (c) => c.query(`drop database if exists "${PG_COPY}" with (force)`));
  }
} else log(`postgres: no server at ${PG_BENCH_URL}, budget reads skipped`);

// Recording overhead: the same events recorded and flushed through a tracker with 100 budgets and one
// without, alternating runs; the budgets tracker evaluates after its flushes (throttled to once a second).
async function ingestRun(withBudgets: boolean, n: number, run: number): Promise<number> {
  const path = join(scratch, `ingest-${withBudgets}-${run}.db`);
  const t: ResourceTracker = openResourceTracker({
    path,
    flushOnExit: false,
    deliverWebhooks: false,
    maxBatchSize: 10_000,
  });
  await t.ready;
  for (const b of BACKENDS.slice(0, 5))
    await t.setPricePlan({ backend: b.name, template: 'aws-s3-standard-us-east-1' });
  if (withBudgets) for (const input of hundredBudgets()) await t.setBudget(input);
  const start = nowMs();
  for (let i = 0; i < n; i++) {
    const b = BACKENDS[i % BACKENDS.length]!;
    t.trackBandwidthUpload(b.name, b.type, 1000 + (i % 7));
    if (i % 10_000 === 9_999) await new Promise((r) => setImmediate(r));
  }
  const flushed = await t.flush();
  if (flushed.error) throw flushed.error;
  const elapsed = nowMs() - start;
  await t.close();
  return (n / elapsed) * 1000;
}
log('sqlite: recording overhead');
const ingestEvents = quick ? 100_000 : 300_000;
const withRates: number[] = [];
const withoutRates: number[] = [];
// A warm-up pair first (not counted); then the order alternates, so neither side always runs first.
await ingestRun(false, ingestEvents, -1);
await ingestRun(true, ingestEvents, -1);
for (let run = 0; run < (quick ? 4 : 6); run++) {
  if (run % 2 === 0) {
    withoutRates.push(await ingestRun(false, ingestEvents, run));
    withRates.push(await ingestRun(true, ingestEvents, run));
  } else {
    withRates.push(await ingestRun(true, ingestEvents, run));
    withoutRates.push(await ingestRun(false, ingestEvents, run));
  }
}

const TARGET_MS = 5;
const fmt = (ms: number) => ms.toFixed(2);
const p50 = (ms: number[]) => fmt(median(ms));
const p90 = (ms: number[]) => fmt(percentile(ms, 90));
const ratio = (a: number[], b: number[]) => `${(median(a) / median(b)).toFixed(2)}×`;
const verdict = (ms: number[]) => (median(ms) <= TARGET_MS ? '**met**' : '**not met**');
const readRows = (r: ReadTimes) => [
  `| getBudgets(): 80 budgets (transfer, calls, storage; 3 zones) with current, percentUsed, forecast, projectedFullAt | ${p50(r.noCost.shared!)} | ${p90(r.noCost.shared!)} | ${ratio(r.noCost.shared!, r.noCost.perZone!)} (${p50(r.noCost.perZone!)}) |`,
  `| getBudgets(): the same and 20 cost budgets (100; every zone's months and cost reports from one ledger read) | ${p50(r.hundred.shared!)} | ${p90(r.hundred.shared!)} | ${ratio(r.hundred.shared!, r.hundred.perZone!)} (${p50(r.hundred.perZone!)}) |`,
  `| getCosts({ period: 'month' }) (reference) | ${p50(r.hundred.costs!)} | ${p90(r.hundred.costs!)} | |`,
  `| getResourceSummary({ period: 'month' }) (reference) | ${p50(r.hundred.summary!)} | ${p90(r.hundred.summary!)} | |`,
];
const header = ['| what | p50 ms | p90 ms | against the per-zone read (its p50 ms), same run |', '|---|---|---|---|'];
const machine = machineInfo();
const load = `load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end on ${machine.cores} cores`;
const lines = [
  '## Budgets (issue 12, `packages/tracker/bench/budgets-run.ts`)',
  '',
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${events.toLocaleString('en-US')} stored events over 60 days, 10 backends, 5 with a price plan; 100 budgets (transfer, calls, cost and storage quotas in UTC, Europe/Berlin and Asia/Kolkata). ${runs} runs of each read, taking turns in one process; timings are noisy on a shared machine (${load}), compare within a table. "The per-zone read" is how budgets were read before they shared one usage ledger (one aggregate per zone, getCosts' whole report per zone: \`test/support/budget-values-reference.ts\`); both answer the same values exactly (checked on this data before timing, and by \`test/budget-values.test.ts\` on both dialects).`,
  '',
  '### SQLite',
  '',
  ...header,
  ...readRows(sqlite),
  `| one full evaluation of 100 budgets (values, stored alert keys, armed states; nothing new to raise; once a minute) | ${p50(evaluateMs)} | ${p90(evaluateMs)} | |`,
  `| the evaluation after a write to one backend (its budgets and the all-backend ones) | ${p50(afterWriteMs)} | ${p90(afterWriteMs)} | |`,
  `| the evaluation after a backfill 80 days back (also each zone's budgets at that zone's 3 earlier months) | ${p50(backfillMs)} | ${p90(backfillMs)} | |`,
  '',
  ...(postgres
    ? [
        '### PostgreSQL',
        '',
        `A copy of the generated \`${postgres.name}\` database (the SQLite file's shape, \`bench/pg-dataset.ts\`) with the same plans and budgets, through the library with \`databaseUrl\`.`,
        '',
        ...header,
        ...readRows(postgres),
        '',
      ]
    : ['PostgreSQL: no server answered; not measured in this run.', '']),
  `Target (DESIGN.md: 100 budgets' state ≤ ${TARGET_MS} ms p50, from rollups): SQLite ${p50(sqlite.hundred.shared!)} ms, ${verdict(sqlite.hundred.shared!)}${postgres ? `; PostgreSQL ${p50(postgres.hundred.shared!)} ms, ${verdict(postgres.hundred.shared!)}` : ''}. Every budget is answered from one usage ledger read whose edges are every instant some budget asks (each zone's month and its end, the recent week, each zone's cost report's ranges), so budgets in three zones cost one set of rollup queries instead of an aggregate and a cost report per zone; what remains above a month summary is that ledger read (its rollup queries, about two thirds of the read in a profile) and pricing each zone's report in JS (each backend's forecast once for all zones).`,
  '',
  `Recording overhead: ${ingestEvents.toLocaleString('en-US')} events recorded and flushed over the 10 backends (5 priced), alternating a tracker with 100 budgets and one without (${withRates.length} runs each after a warm-up pair, order alternating): ` +
    `${Math.round(median(withRates)).toLocaleString('en-US')} events/s with budgets against ${Math.round(median(withoutRates)).toLocaleString('en-US')} without, ` +
    `a ratio of ${(median(withRates) / median(withoutRates)).toFixed(2)}. Budgets are evaluated after a flush commits, at most once a second per process, from rollups, so the recording call itself does no more work.`,
];
const report = lines.join('\n');
process.stderr.write(`${report}\n`);
if (!quick) writeSection(join(packageDir, '..', '..', 'BENCHMARKS.md'), 'budgets', report);
rmSync(scratch, { recursive: true, force: true });
