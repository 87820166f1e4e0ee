// `pnpm --filter @bytemeter/api bench` (add `--quick` for a short smoke run): measures the API and writes its
// section of BENCHMARKS.md at the repository root (a quick run only prints it).
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { FULL, QUICK, runApiBenchmarks } from './api-bench.js';

const quick = process.argv.includes('--quick');
const markdown = await runApiBenchmarks(quick ? QUICK : FULL);
process.stdout.write(markdown);
if (!quick) writeSection(fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url)), 'api', markdown);
