// `npx tsx bench/sender.ts [--client=DIST] [--events=N] [--rounds=N] [--path]`: the SDK sender's own cost, with
// the server out of the picture. One built API process (SQLite in a temp dir) receives; this process records
// `events` events into a remote tracker (recording ns per call), then sends them in batches of 1,000 and
// measures its own CPU while it does (process.cpuUsage: the API's CPU is another process's). `--client`
// names a built client (a dist/index.js) to measure instead of this one, e.g. a worktree of main, so old
// and new run against the same server in one process, alternating, and their ratio is what is reported.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startApiProcess } from '@bytemeter/api/testing';

type ClientModule = typeof import('../src/index.js');

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const events = Number(arg('events') ?? 200_000);
const rounds = Number(arg('rounds') ?? 3);
/** With `--path`, every event carries a path and a duration too (a typical storage wrapper's event). */
const withPath = process.argv.includes('--path');
const BATCH = 1000;

/** Every `--client=` given (several are measured in turn, alternating order per round), else this build. */
const clients = process.argv.filter((a) => a.startsWith('--client=')).map((a) => resolve(a.slice('--client='.length)));
if (clients.length === 0) clients.push(resolve(import.meta.dirname, '../dist/index.js'));
const modules: ClientModule[] = [];
for (const path of clients) modules.push((await import(pathToFileURL(path).href)) as ClientModule);

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const systemUs = () => process.cpuUsage().system;

interface Sample {
  recordNs: number;
  sendCpuUs: number;
  /** Of sendCpuUs, the part spent in the kernel (mostly writing request bodies to the socket). */
  sendSystemUs: number;
  totalCpuUs: number;
  wallS: number;
}

async function measure(client: ClientModule, url: string, run: number): Promise<Sample> {
  const tracker = client.createRemoteTracker({
    url,
    batchSize: BATCH,
    maxBufferedEvents: events,
    flushIntervalMs: 60_000,
  });
  const backend = `sender-${run}`;
  const cpu0 = cpuUs();
  for (let k = 0; k < events; k++) {
    if (withPath)
      tracker.trackBandwidthUpload(backend, 's3', k + 1, { path: `photos/2026/12/${k}.jpg`, durationMs: 12.5 });
    else tracker.trackBandwidthUpload(backend, 's3', k + 1);
  }
  const cpu1 = cpuUs();
  const sys1 = systemUs();
  // CPU, not wall time: on a shared machine the wall clock also counts the time other processes ran.
  const recordNs = ((cpu1 - cpu0) * 1000) / events;
  const w0 = performance.now();
  while (tracker.pendingCount > 0) {
    const result = await tracker.flush();
    if (result.error) throw result.error;
  }
  const wallS = (performance.now() - w0) / 1000;
  const cpu2 = cpuUs();
  const sys2 = systemUs();
  const stats = tracker.stats();
  await tracker.close();
  if (stats.written !== events || stats.dropped !== 0)
    throw new Error(`sent ${events}, written ${stats.written}, dropped ${stats.dropped}`);
  return {
    recordNs,
    sendCpuUs: (cpu2 - cpu1) / events,
    sendSystemUs: (sys2 - sys1) / events,
    totalCpuUs: (cpu2 - cpu0) / events,
    wallS,
  };
}

const api = await startApiProcess();
try {
  // Warm-up: the JIT and the server's statements, for every client.
  for (const [i, m] of modules.entries()) await measure(m, api.url, -1 - i);
  const samples: Sample[][] = modules.map(() => []);
  let run = 0;
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither build always runs on a warmer (or busier) machine.
    const order = modules.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const s = await measure(modules[i]!, api.url, run++);
      samples[i]!.push(s);
      process.stderr.write(
        `round ${round + 1} ${clients[i]}: record ${s.recordNs.toFixed(0)} ns/event, send CPU ${s.sendCpuUs.toFixed(2)} µs/event (system ${s.sendSystemUs.toFixed(2)}), total CPU ${s.totalCpuUs.toFixed(2)} µs/event, send ${(events / s.wallS).toFixed(0)} events/s\n`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [i, path] of clients.entries()) {
    const s = samples[i]!;
    process.stdout.write(
      `${path}: median record ${median(s.map((x) => x.recordNs)).toFixed(0)} ns/event, send CPU ${median(s.map((x) => x.sendCpuUs)).toFixed(2)} µs/event (system ${median(s.map((x) => x.sendSystemUs)).toFixed(2)}), total CPU ${median(s.map((x) => x.totalCpuUs)).toFixed(2)} µs/event\n`,
    );
  }
} finally {
  await api.stop();
}
