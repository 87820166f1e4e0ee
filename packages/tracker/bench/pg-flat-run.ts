// `pnpm --filter @bytemeter/tracker bench:pg-flat`: only the dashboard reads on the cached PostgreSQL
// datasets of `pnpm bench` (1M and 10M events, built if missing), as `pnpm bench` measures them (memo off,
// GROUP BY scans between rounds), and each read's 10M ÷ 1M p50: issue 10's "flat" in a minute or two.
// Prints only; BENCHMARKS.md is written by `pnpm bench`.
import { ensurePgDataset } from './pg-dataset.js';
import { PG_BENCH_URL } from './postgres.js';
import { benchPgQueries, QUERY_NAMES } from './query-latency.js';
import { fmt } from './stats.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const metas = [];
for (const size of [1_000_000, 10_000_000]) metas.push(await ensurePgDataset(PG_BENCH_URL, size, log));
const [small, large] = await benchPgQueries(metas, 3, 50);
process.stdout.write('| query | p50 at 1M | p50 at 10M | 10M ÷ 1M |\n|---|---:|---:|---:|\n');
for (const q of QUERY_NAMES) {
  const a = small!.tracker[q].p50;
  const b = large!.tracker[q].p50;
  process.stdout.write(`| ${q} | ${fmt(a)} ms | ${fmt(b)} ms | ${fmt(b / a)}× |\n`);
}
