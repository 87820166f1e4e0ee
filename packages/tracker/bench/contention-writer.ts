// One writer process of bench/contention.ts: opens a tracker on the database, says "ready", waits for "go"
// on stdin, records its events (a flush starts each time maxBatchSize are pending, as in production) and
// flushes the rest, then prints the milliseconds from "go" to its last commit.
import { openResourceTracker } from '../src/index.js';
import { ANCHOR } from './datasets.js';
import { nowMs } from './stats.js';
import { BACKENDS, SyntheticEvents } from './synthetic.js';

interface WriterPlan {
  databaseUrl: string;
  writer: number;
  events: number;
  batchSize: number;
  /** Every writer on BACKENDS[0] (the hot rows), or writer k on BACKENDS[k]. */
  sameBackend: boolean;
}

const plan = JSON.parse(process.argv[2]!) as WriterPlan;
const backend = BACKENDS[plan.sameBackend ? 0 : plan.writer % BACKENDS.length]!;
// One minute for every writer: all of them upsert the same minute, quarter, hour and day cells.
const events = new SyntheticEvents({
  count: plan.events,
  from: ANCHOR - 60_000,
  to: ANCHOR,
  keys: false,
  seed: plan.writer,
})
  .take(plan.events)
  .map((e) => ({ ...e, backend: backend.name, backendType: backend.type }));
const tracker = openResourceTracker({
  databaseUrl: plan.databaseUrl,
  clock: () => ANCHOR,
  maxBatchSize: plan.batchSize,
  maxPendingEvents: plan.events * 2,
  flushIntervalMs: 2_000_000_000,
  flushOnExit: false,
  rawRetentionMs: null,
});
await tracker.ready;
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const start = nowMs();
  for (const e of events) tracker.trackResourceUsage(e);
  // The last flush of the chain resolves after every flush the batches started.
  const result = await tracker.flush();
  const ms = nowMs() - start;
  await tracker.close();
  if (result.error || tracker.pendingCount > 0) {
    process.stderr.write(`writer ${plan.writer}: ${result.error ?? 'events left unwritten'}\n`);
    process.exit(1);
  }
  process.stdout.write(`${ms}\n`);
  process.exit(0);
});
