// The concurrent writer of bench/retention.ts: its own process (a SQLite writer in the bench's process
// would block that process's event loop), recording 100-event batches of recent events in a loop until
// "stop" arrives on stdin, then printing each call's start (epoch ms), duration and outcome as JSON.
import { createInterface } from 'node:readline';
import { openResourceTracker } from '../src/index.js';
import { ANCHOR } from './datasets.js';
import { nowMs } from './stats.js';
import { BACKENDS } from './synthetic.js';

const store = JSON.parse(process.argv[2]!) as { path?: string; databaseUrl?: string };
const tracker = openResourceTracker({
  ...store,
  clock: () => ANCHOR,
  flushOnExit: false,
  rawRetentionMs: null,
});
await tracker.ready;
const backend = BACKENDS[0]!;
const batch = Array.from({ length: 100 }, (_, i) => ({
  backend: backend.name,
  backendType: backend.type,
  resourceType: 'bandwidth_upload' as const,
  amount: 1 + i,
  timestamp: ANCHOR - 1_000 + i,
}));
let stopping = false;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'stop') stopping = true;
});
process.stdout.write('ready\n');
const calls: { at: number; ms: number; ok: boolean }[] = [];
while (!stopping) {
  const at = Date.now();
  const start = nowMs();
  let ok = true;
  try {
    await tracker.ingestBatch(batch);
  } catch {
    ok = false;
  }
  calls.push({ at, ms: nowMs() - start, ok });
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await tracker.close().catch(() => {});
// stdin would keep the process alive.
input.close();
process.stdin.destroy();
process.stdout.write(`${JSON.stringify(calls)}\n`);
