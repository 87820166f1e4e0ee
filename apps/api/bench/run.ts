// `pnpm --filter @bytemeter/api bench` (add `--quick` for a short smoke run): prints the API section of
// BENCHMARKS.md to stdout; the benchmarks' owner merges it.
import { FULL, QUICK, runApiBenchmarks } from './api-bench.js';

const markdown = await runApiBenchmarks(process.argv.includes('--quick') ? QUICK : FULL);
process.stdout.write(markdown);
