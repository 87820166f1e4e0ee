// `pnpm --filter @bytemeter/client bench` (add `--quick` for a short smoke run): SDK senders through two API
// replicas on one PostgreSQL database, and writes the `replicas` section of BENCHMARKS.md (a quick run only
// prints it; so does a run with `--senders=N`). Skipped, and says so, when no PostgreSQL server answers.
import { fileURLToPath } from 'node:url';
import { writeSection } from '../../../scripts/bench-sections.mjs';
import { benchReplicas, FULL, pgAnswers, QUICK } from './replicas.js';
import { renderReplicas } from './report.js';

/** Where it runs: BYTEMETER_BENCH_DATABASE_URL, else the local server the tests use (as the tracker's bench). */
const adminUrl = process.env.BYTEMETER_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const quick = process.argv.includes('--quick');

if (!(await pgAnswers(adminUrl))) {
  process.stderr.write(`replicas bench: no PostgreSQL server answers at ${adminUrl}; skipped.\n`);
} else {
  // `--senders=N`: another number of concurrent senders (to see how the rate scales with them).
  const senders = Number(process.argv.find((a) => a.startsWith('--senders='))?.slice('--senders='.length));
  const options = { ...(quick ? QUICK : FULL), ...(senders > 0 ? { senders } : {}) };
  const markdown = renderReplicas(options, await benchReplicas(adminUrl, options));
  process.stdout.write(markdown);
  if (!quick && !(senders > 0))
    writeSection(fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url)), 'replicas', markdown);
}
