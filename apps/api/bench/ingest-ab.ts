// `pnpm --filter @bytemeter/api exec tsx bench/ingest-ab.ts --baseline /path/to/other/checkout [--seconds 5]
// [--rounds 3] [--connections 2] [--cpu-prof dir]`: trackUsage ingest of this checkout's API beside another
// checkout's (e.g. main, built), alternating round by round on fresh SQLite files, so a change to the write
// path is measured against its baseline in the same run on the same (shared, noisy) machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INGEST_BATCH, ingestBody } from './api-bench.js';
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
  ...(values.baseline ? [{ name: 'baseline', apiDir: join(resolve(values.baseline), 'apps/api') }] : []),
  { name: 'this checkout', apiDir: fileURLToPath(new URL('..', import.meta.url)) },
];
const dir = mkdtempSync(join(tmpdir(), 'bytemeter-ingest-ab-'));
const runs = builds.map(() => [] as ThroughputResult[]);
try {
  for (let round = 0; round < rounds; round++) {
    for (const [i, build] of builds.entries()) {
      const prof = values['cpu-prof']
        ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'], build.name.replace(/\W/g, '-'))]
        : [];
      const server = await startServerProcess(join(dir, `ab-${round}-${i}.db`), {
        apiDir: build.apiDir,
        nodeArgs: prof,
      });
      try {
        const cpu = () => server.cpuMs();
        await measureQuery(server.url, 'warm-up', ingestBody(), { seconds: 1, connections }, cpu);
        const run = await measureQuery(server.url, build.name, ingestBody(), { seconds, connections }, cpu);
        runs[i]!.push(run);
        process.stderr.write(
          `round ${round + 1} ${build.name}: ${Math.round(run.requestsPerSecond * INGEST_BATCH)} events/s, ${(run.serverCpuUsPerRequest / INGEST_BATCH).toFixed(2)} µs CPU/event, errors ${run.errors + run.non2xx}\n`,
        );
      } finally {
        await server.stop();
      }
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
