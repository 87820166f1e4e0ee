// `pnpm --filter @bytemeter/tracker bench:budgets` (issue 12): the state of 100 budgets read from rollups
// (p50 against getCosts and a month summary in the same run), one evaluation of 100 budgets, and the
// recording overhead of evaluating budgets after flushes (ingest with 100 budgets against none).
// Writes the "budgets" section of BENCHMARKS.md (`--quick`: a smaller dataset, report on stderr only).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { type BudgetInput, openResourceTracker, type ResourceTracker } from '../src/index.js';
import { ANCHOR, ensureDataset } from './datasets.js';
import { machineInfo } from './machine.js';
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

// Reads: a copy of the dataset with 100 budgets (and plans, so costs are computed), clock at its end.
const readPath = join(scratch, 'reads.db');
copyFileSync(dataset.path, readPath);
const reader = openResourceTracker({
  path: readPath,
  clock: () => ANCHOR,
  flushOnExit: false,
  deliverWebhooks: false,
  memoizeSummaries: false,
});
for (const b of BACKENDS.slice(0, 5))
  await reader.setPricePlan({ backend: b.name, template: 'aws-s3-standard-us-east-1' });
const runs = quick ? 30 : 100;
const all = hundredBudgets();
// First without the 20 cost budgets (transfer, calls, storage read rollups directly), then all 100.
for (const input of all.filter((b) => b.metric !== 'cost')) await reader.setBudget(input);
await timeEach(() => reader.getBudgets(), 5);
const noCostMs = await timeEach(() => reader.getBudgets(), runs);
for (const input of all.filter((b) => b.metric === 'cost')) await reader.setBudget(input);
await timeEach(() => reader.getBudgets(), 5);
const budgetsMs = await timeEach(() => reader.getBudgets(), runs);
const costsMs = await timeEach(() => reader.getCosts({ period: 'month' }), runs);
const summaryMs = await timeEach(() => reader.getResourceSummary({ period: 'month' }), runs);
interface EvaluatorHandle {
  evaluateNow(): Promise<unknown>;
  noteWritten(ts: number, backends: Iterable<string>): void;
  run(): Promise<void>;
}
const evaluator = (reader as unknown as { budgets: { evaluator: EvaluatorHandle } }).budgets.evaluator;
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
await reader.close();

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

const fmt = (ms: number) => ms.toFixed(2);
const machine = machineInfo();
const lines = [
  '## Budgets (issue 12, `packages/tracker/bench/budgets-run.ts`)',
  '',
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; SQLite, ${events.toLocaleString('en-US')} stored events over 60 days, 10 backends, 5 with a price plan. ${runs} runs each, in one process; timings are noisy on a shared machine, compare within the table.`,
  '',
  '| what | p50 ms | p90 ms |',
  '|---|---|---|',
  `| getBudgets(): 80 budgets (transfer, calls, storage; 3 zones) with current, percentUsed, forecast, projectedFullAt | ${fmt(median(noCostMs))} | ${fmt(percentile(noCostMs, 90))} |`,
  `| getBudgets(): the same and 20 cost budgets (100; cost through getCosts' plan, one read per zone) | ${fmt(median(budgetsMs))} | ${fmt(percentile(budgetsMs, 90))} |`,
  `| getCosts({ period: 'month' }) (reference) | ${fmt(median(costsMs))} | ${fmt(percentile(costsMs, 90))} |`,
  `| getResourceSummary({ period: 'month' }) (reference) | ${fmt(median(summaryMs))} | ${fmt(percentile(summaryMs, 90))} |`,
  `| one full evaluation of 100 budgets (values, stored alert keys, armed states; nothing new to raise; once a minute) | ${fmt(median(evaluateMs))} | ${fmt(percentile(evaluateMs, 90))} |`,
  `| the evaluation after a write to one backend (its budgets and the all-backend ones) | ${fmt(median(afterWriteMs))} | ${fmt(percentile(afterWriteMs, 90))} |`,
  '',
  "Target (DESIGN.md: 100 budgets' state ≤ 5 ms p50, from rollups): transfer, call and storage budgets read a few aggregates per zone however many budgets there are; cost budgets add getCosts' own plan once per zone (one grouped read of every backend), so 3 zones cost about 3 getCosts (the reference row). Compare rows of one run: the machine is shared.",
  '',
  `Recording overhead: ${ingestEvents.toLocaleString('en-US')} events recorded and flushed over the 10 backends (5 priced), alternating a tracker with 100 budgets and one without (${withRates.length} runs each after a warm-up pair, order alternating): ` +
    `${Math.round(median(withRates)).toLocaleString('en-US')} events/s with budgets against ${Math.round(median(withoutRates)).toLocaleString('en-US')} without, ` +
    `a ratio of ${(median(withRates) / median(withoutRates)).toFixed(2)}. Budgets are evaluated after a flush commits, at most once a second per process, from rollups, so the recording call itself does no more work.`,
];
const report = lines.join('\n');
process.stderr.write(`${report}\n`);
if (!quick) writeSection(join(packageDir, '..', '..', 'BENCHMARKS.md'), 'budgets', report);
rmSync(scratch, { recursive: true, force: true });
