// `pnpm --filter @bytemeter/tracker bench:pg-reads`: on the cached PostgreSQL datasets of `pnpm bench`
// (1M and 10M events, built if missing), what the API's response cache check costs beside the reads it
// saves, and the status read at both sizes; written as the `pgreads` section of BENCHMARKS.md (`--quick`:
// fewer samples, only printed).
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { ensurePgDataset } from './pg-dataset.js';
import { benchPgReads, PG_READ_NAMES, type PgReadName, type PgReadsResult } from './pg-reads.js';
import { PG_BENCH_URL } from './postgres.js';
import { benchPgQueries, QUERY_NAMES, type QueryResult } from './query-latency.js';
import { fmt } from './stats.js';

const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(`${line}\n`);
const loadBefore = loadavg();
const metas = [];
for (const size of [1_000_000, 10_000_000]) metas.push(await ensurePgDataset(PG_BENCH_URL, size, log));
const rounds = quick ? 3 : 8;
const perRound = quick ? 20 : 50;
const results = await benchPgReads(metas, rounds, perRound);
log('the dashboard reads as `pnpm bench` measures them (GROUP BY scans in between)');
const dashboard = await benchPgQueries(metas, quick ? 3 : 6, quick ? 20 : 50);
const markdown = `${render(results)}\n${renderFlatness(dashboard)}`;
process.stdout.write(`${markdown}\n`);
if (!quick) writeSection(fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url)), 'pgreads', markdown);

function render(results: PgReadsResult[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const ms = (x: number) => `${fmt(x)} ms`;
  const label: Record<PgReadName, string> = {
    'round-trip': '`select 1` (one round trip, the floor)',
    version: '`getSummaryVersion` day: the response cache check',
    'summary-memo-hit': '`getResourceSummary` day, answered by the memo',
    summary: '`getResourceSummary` day, read in full (memo off)',
    status: '`getBackendStatus` (all backends, memo off)',
  };
  const small = results[0]!;
  const large = results[results.length - 1]!;
  const lines = [
    '### Response cache check and status reads (`packages/tracker/bench/pg-reads.ts`)',
    '',
    `Measured ${new Date().toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )} at the end), on the cached datasets above, clock at their end. Every read runs in the same rounds, interleaved across both sizes, ` +
      `${n(large.reads.version.samples)} samples each; no GROUP BY scans in between (the buffers stay warm, unlike the table above).`,
    '',
    `| read | p50 at ${n(small.events)} | p50 at ${n(large.events)} | p99 at ${n(large.events)} | ${n(large.events)} ÷ ${n(small.events)} | ÷ full summary (${n(large.events)}) |`,
    '|---|---:|---:|---:|---:|---:|',
    ...PG_READ_NAMES.map(
      (name) =>
        `| ${label[name]} | ${ms(small.reads[name].p50)} | ${ms(large.reads[name].p50)} | ${ms(large.reads[name].p99)} | ${fmt(large.reads[name].p50 / small.reads[name].p50)}× | ${fmt(large.reads[name].p50 / large.reads.summary.p50)}× |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function renderFlatness(queries: QueryResult[]): string {
  const small = queries[0]!;
  const large = queries[queries.length - 1]!;
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `The dashboard reads measured as in the table above (memo off, alternating with GROUP BY scans that evict the buffers), in the same run, ${n(large.tracker.status.samples)} samples each:`,
    '',
    `| query | p50 at ${n(small.events)} | p50 at ${n(large.events)} | ${n(large.events)} ÷ ${n(small.events)} |`,
    '|---|---:|---:|---:|',
    ...QUERY_NAMES.map(
      (q) =>
        `| ${q} | ${fmt(small.tracker[q].p50)} ms | ${fmt(large.tracker[q].p50)} ms | ${fmt(large.tracker[q].p50 / small.tracker[q].p50)}× |`,
    ),
    '',
  ].join('\n');
}
