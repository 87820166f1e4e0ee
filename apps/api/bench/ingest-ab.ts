// `pnpm --filter @bytemeter/api exec tsx bench/ingest-ab.ts --baseline /path/to/other/checkout [--seconds 5]
// [--rounds 3] [--connections 2] [--cpu-prof dir]`: trackUsage ingest of this checkout's API beside another
// checkout's (e.g. main, built), alternating round by round on fresh SQLite files, so a change to the write
// path is measured against its baseline in the same run on the same (shared, noisy) machine.
// A run counts only if it stored what it claims: every answer must say its whole batch was accepted (a
// refused batch or a GraphQL error is still an HTTP 200), and the file must then hold those events. Each
// checkout's API runs from its sources but its @bytemeter/tracker and core from their dist/, so a dist older
// than its sources is refused rather than measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assertFreshDist } from '../../../scripts/dist-freshness.mjs';
import { INGEST_BATCH, ingestAccepted, ingestBody } from './api-bench.js';
import { measureQuery, median, type ThroughputResult } from './http-throughput.js';
import { startServerProcess } from './server-process.js';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '2' },
    'cpu-prof': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const builds = [
  ...(values.baseline ? [{ name: 'baseline', root: resolve(values.baseline) }] : []),
  { name: 'this checkout', root: resolve(fileURLToPath(new URL('../../..', import.meta.url))) },
].map((b) => ({ ...b, apiDir: join(b.root, 'apps/api') }));
for (const build of builds) assertFreshDist(build.root, ['packages/core', 'packages/tracker']);

/** Raw event rows in a SQLite file the API wrote (read after the API has exited). */
function storedEvents(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare('select count(*) as n from events').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bytemeter-ingest-ab-'));
const runs = builds.map(() => [] as ThroughputResult[]);
try {
  for (let round = 0; round < rounds; round++) {
    // Which build runs first takes turns: the second of a pair meets a machine the first has warmed (page
    // cache, CPU frequency) or loaded, and that must not favour the same build every round.
    const order = round % 2 === 0 ? [...builds.keys()] : [...builds.keys()].reverse();
    for (const i of order) {
      const build = builds[i]!;
      const dbPath = join(dir, `ab-${round}-${i}.db`);
      const prof = values['cpu-prof']
        ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'], build.name.replace(/\W/g, '-'))]
        : [];
      const server = await startServerProcess(dbPath, {
        apiDir: build.apiDir,
        nodeArgs: prof,
      });
      let acknowledged = 0;
      const verify = (body: string) => {
        const accepted = ingestAccepted(body);
        acknowledged += accepted;
        return accepted === INGEST_BATCH;
      };
      let run: ThroughputResult;
      try {
        const cpu = () => server.cpuMs();
        const warm = await measureQuery(server.url, 'warm-up', ingestBody(), { seconds: 1, connections, verify }, cpu);
        run = await measureQuery(server.url, build.name, ingestBody(), { seconds, connections, verify }, cpu);
        const failed = [warm, run].reduce((n, r) => n + r.errors + r.non2xx + r.mismatches, 0);
        if (failed > 0)
          throw new Error(
            `${build.name}, round ${round + 1}: ${failed} calls failed or did not store their whole batch`,
          );
      } finally {
        await server.stop();
      }
      // Every acknowledged event must be in the file; at most each connection's last call of each of the two
      // measurements may have been stored without its answer being read (autocannon stops mid-flight).
      const stored = storedEvents(dbPath);
      const unread = 2 * connections * INGEST_BATCH;
      if (stored < acknowledged || stored > acknowledged + unread)
        throw new Error(
          `${build.name}, round ${round + 1}: ${acknowledged} events acknowledged but ${stored} stored (allowed up to ${unread} more)`,
        );
      runs[i]!.push(run);
      process.stderr.write(
        `round ${round + 1} ${build.name}: ${Math.round(run.requestsPerSecond * INGEST_BATCH)} events/s, ${(run.serverCpuUsPerRequest / INGEST_BATCH).toFixed(2)} µs CPU/event, ${acknowledged} acknowledged / ${stored} stored\n`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (builds.length === 2) {
  // Round by round, the two builds ran back to back: their ratio cancels much of the machine's swings.
  const rate = median(runs[1]!.map((r, k) => r.requestsPerSecond / runs[0]![k]!.requestsPerSecond));
  const cpu = median(runs[1]!.map((r, k) => runs[0]![k]!.serverCpuUsPerRequest / r.serverCpuUsPerRequest));
  process.stdout.write(
    `paired medians, this checkout vs baseline: ${rate.toFixed(2)}x events/s, ${cpu.toFixed(2)}x less server CPU per event\n`,
  );
}
for (const [i, build] of builds.entries()) {
  const perSec = median(runs[i]!.map((r) => r.requestsPerSecond * INGEST_BATCH));
  const cpuUs = median(runs[i]!.map((r) => r.serverCpuUsPerRequest / INGEST_BATCH));
  process.stdout.write(
    `${build.name}: median ${Math.round(perSec)} events/s, ${cpuUs.toFixed(2)} µs server CPU/event\n`,
  );
}
