// `pnpm bench` (add `--quick` for a 100k-event smoke run): measures the tracker against same-run baselines
// and writes BENCHMARKS.md at the repository root (a quick run writes .bench/BENCHMARKS-quick.md instead).
// `--only costs` measures only `getCosts` on the cached query files and rewrites only its section.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { benchCosts, renderCosts } from './costs.js';
import { ensureDataset } from './datasets.js';
import { benchExport } from './export-stream.js';
import { benchIngest } from './ingest.js';
import { runInstrumentBench } from './instrument.js';
import { machineInfo } from './machine.js';
import { benchPostgres, PG_BENCH_URL, type PgBenchResults, pgAvailable } from './postgres.js';
import { benchQueries } from './query-latency.js';
import { benchRecordCost } from './record-cost.js';
import { type BenchResults, renderReport } from './report.js';
import { renderPostgres } from './report-postgres.js';

const quick = process.argv.includes('--quick');
/** Re-render the report from the last run's saved results, without measuring again. */
const reportOnly = process.argv.includes('--report-only');
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(packageDir, '.bench');
const scratch = join(cacheDir, 'scratch');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const resultsPath = join(cacheDir, quick ? 'results-quick.json' : 'results.json');
const reportPath = quick ? join(cacheDir, 'BENCHMARKS-quick.md') : join(packageDir, '..', '..', 'BENCHMARKS.md');
if (reportOnly) {
  const saved = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
  writeSection(reportPath, 'tracker', renderReport(saved));
  writeSection(reportPath, 'postgres', renderPostgres(saved.postgres ?? null, saved));
  log(`wrote ${reportPath} from ${resultsPath}`);
  process.exit(0);
}
const querySizes = quick ? [100_000] : [1_000_000, 10_000_000];
const costRounds = quick ? 3 : 6;
const costsPerRound = quick ? 20 : 40;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined) {
  if (only !== 'costs') {
    log(`--only takes "costs"; got ${JSON.stringify(only)}`);
    process.exit(2);
  }
  const metas = [];
  for (const events of querySizes)
    metas.push(await ensureDataset(cacheDir, { events, mode: 'full', keys: false }, log));
  log(`costs at ${querySizes.map((x) => x.toLocaleString('en-US')).join(' and ')} events`);
  const markdown = renderCosts(await benchCosts(metas, costRounds, costsPerRound));
  writeSection(reportPath, 'costs', markdown);
  process.stdout.write(`${markdown}\n`);
  log(`wrote the costs section of ${reportPath}`);
  process.exit(0);
}
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
// A quick run's report stands alone; the full report keeps the sections other benchmarks wrote.
if (quick) rmSync(reportPath, { force: true });
const started = Date.now();
const machine = machineInfo();
log(`bytemeter bench (${quick ? 'quick' : 'full'}) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

const diskSize = quick ? 100_000 : 1_000_000;

log('recording call cost');
const record = await benchRecordCost(scratch, quick ? 20_000 : 100_000, quick ? 11 : 31);

log('ingest');
const ingestEvents = quick ? 50_000 : 200_000;
const ingestRuns = quick ? 3 : 5;
const ingest = await benchIngest(scratch, ingestEvents, ingestRuns, { keys: false, spanMs: 60_000 });
const ingestKeys = await benchIngest(scratch, ingestEvents, ingestRuns, { keys: true, spanMs: 60_000 });
const ingestBackfill = await benchIngest(scratch, ingestEvents, ingestRuns, { keys: false, spanMs: 2 * 86_400_000 });

log('datasets');
const datasets = [];
for (const events of querySizes)
  datasets.push(await ensureDataset(cacheDir, { events, mode: 'full', keys: false }, log));
const withKeys = await ensureDataset(cacheDir, { events: diskSize, mode: 'full', keys: true }, log);
const rollupsOnly = await ensureDataset(cacheDir, { events: diskSize, mode: 'rollups-only', keys: false }, log);

log(`queries at ${querySizes.map((x) => x.toLocaleString('en-US')).join(' and ')} events, interleaved`);
const queries = await benchQueries(datasets, quick ? 4 : 6, quick ? 40 : 50);

log('costs');
const costs = await benchCosts(datasets, costRounds, costsPerRound);

log('export');
const exportMeta = datasets.find((d) => d.events === diskSize) ?? datasets[0]!;
const exported = await benchExport(exportMeta, 3);

let postgres: PgBenchResults | null = null;
if (await pgAvailable(PG_BENCH_URL)) postgres = await benchPostgres(quick, querySizes, log);
else log(`postgres: no server at ${PG_BENCH_URL}, section skipped`);

const results: BenchResults = {
  quick,
  machine,
  loadAverageAfter: machineInfo().loadAverage,
  seconds: (Date.now() - started) / 1000,
  record,
  ingest,
  ingestKeys,
  ingestBackfill,
  datasets,
  withKeys,
  rollupsOnly,
  queries,
  costs,
  exported,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  postgres,
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeSection(reportPath, 'tracker', renderReport(results));
writeSection(reportPath, 'costs', renderCosts(costs));
writeSection(reportPath, 'postgres', renderPostgres(postgres, results));
log('instrumentation overhead');
writeSection(reportPath, 'instrument', await runInstrumentBench({ quick }));
rmSync(scratch, { recursive: true, force: true });
log(`wrote ${reportPath} in ${results.seconds.toFixed(0)} s`);
