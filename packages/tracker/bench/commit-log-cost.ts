// `pnpm --filter @bytemeter/tracker exec tsx bench/commit-log-cost.ts [batches] [batchSize]` (issue 12): what
// SQLite's commit log (record/commit-log.ts: one row appended, one pruned, per write transaction) costs
// the recording path. The same batches are written by ingestPlan as it is and by a copy with the log line
// taken out (made here, next to it, and removed again), each into its own file, rounds alternating in
// order; prints as one JSON line the median of the per-round ratios with ÷ without, of wall time and of
// the process's CPU time (less disturbed by other processes on a shared machine), and the ms per batch.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestContext } from '../src/record/ingest-plan.js';
import { ingestPlan } from '../src/record/ingest-plan.js';
import type { PendingEvent } from '../src/record/pending-event.js';
import { TrackerFile } from '../src/tracker/lifecycle.js';
import { RESOURCE_CODE } from '../src/types.js';
import { median } from './stats.js';

const batches = Number(process.argv[2] ?? 2000);
const batchSize = Number(process.argv[3] ?? 10);
const ROUNDS = Number(process.argv[4] ?? 10);

const source = join(import.meta.dirname, '../src/record/ingest-plan.ts');
const copy = join(import.meta.dirname, '../src/record/ingest-plan-without-log.bench.ts');
const text = readFileSync(source, 'utf8');
// The SQLite path's log line (the PostgreSQL path has its own prelude and never logs).
const line = /^ {2}if \((?:!pg && )?rows\.length > 0\) yield\* logCommit\(.*\n/m;
if (!line.test(text)) throw new Error('the commit log line was not found in ingest-plan.ts');
const stripped = text.replace(line, '').replace(/^import \{ logCommit \}.*\n/m, '');
// A copy that still logs would measure the log against itself (and report no cost): refuse it.
if (stripped.includes('logCommit')) throw new Error('the copy without the log still calls logCommit');
writeFileSync(copy, stripped);
const without = (await import(copy)) as { ingestPlan: typeof ingestPlan };

/** A download event as the tracker holds it before a flush. */
function download(backend: string, ts: number, amount: number): PendingEvent {
  return {
    backend,
    backendType: 's3',
    resourceType: 'bandwidth_download',
    resource: RESOURCE_CODE.bandwidth_download,
    amount,
    ts,
    success: true,
    durationMs: null,
    operationId: null,
    path: null,
    metadata: null,
    key: null,
    apiClass: null,
    isLevelReport: false,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bytemeter-commit-log-'));
try {
  const plans = { with: ingestPlan, without: without.ingestPlan };
  const ms: Record<keyof typeof plans, number[]> = { with: [], without: [] };
  const cpu: Record<keyof typeof plans, number[]> = { with: [], without: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    const order = (round % 2 === 0 ? ['with', 'without'] : ['without', 'with']) as (keyof typeof plans)[];
    for (const name of order) {
      const file = new TrackerFile(join(dir, `${name}-${round}.db`), 5_000);
      await file.ready;
      const ids = new Map<string, number>();
      const now = Date.now();
      // Raw rows kept for a day, as a tracker keeps them: the events fall inside it.
      const resolution = { rawFrom: now - 86_400_000, minuteFrom: now - 7 * 86_400_000 };
      const ctx: IngestContext = { now, keepRawFrom: resolution.rawFrom, resolution, backendIds: ids };
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      for (let b = 0; b < batches; b++) {
        const events = Array.from({ length: batchSize }, (_, i) =>
          download(`backend-${(b + i) % 10}`, now - ((b * batchSize + i) % 3_600_000), 100 + i),
        );
        file.syncRunner.writeSync(() => plans[name](file.db, events, { ...ctx, now }));
      }
      // Round 0 warms up both.
      if (round > 0) {
        ms[name].push((performance.now() - start) / batches);
        const used = process.cpuUsage(cpuStart);
        cpu[name].push((used.user + used.system) / 1000 / batches);
      }
      await file.close();
    }
  }
  const ratios = (m: Record<keyof typeof plans, number[]>) => m.with.map((x, i) => x / m.without[i]!);
  const round3 = (x: number) => +x.toFixed(3);
  console.log(
    JSON.stringify({
      batches,
      batchSize,
      rounds: ROUNDS,
      wallRatio: round3(median(ratios(ms))),
      cpuRatio: round3(median(ratios(cpu))),
      msPerBatchWith: +median(ms.with).toFixed(4),
      msPerBatchWithout: +median(ms.without).toFixed(4),
      wallRatios: ratios(ms).map(round3),
      cpuRatios: ratios(cpu).map(round3),
    }),
  );
} finally {
  rmSync(copy, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
