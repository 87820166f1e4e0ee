import { join } from 'node:path';
import { openResourceTracker } from '../src/index.js';
import { median, nowMs } from './stats.js';
import { uuidV7 } from './uuid-v7.js';

export interface RecordCostResult {
  callsPerRun: number;
  runs: number;
  /** Median ns per call of each variant. */
  trackerNs: number;
  trackerWithIdNs: number;
  counterNs: number;
  arrayPushNs: number;
  /** Events still pending right after a timed loop: equal to the calls, so nothing was written on the caller's stack. */
  pendingAfterLoop: number;
}

/** A sink the JIT cannot prove dead, so the baseline loops are not optimised away. */
const sink = { counter: 0, events: [] as unknown[] };

/**
 * Cost of one recording call on the hot path, beside a bare counter increment and an array push, each
 * timed over `calls` calls per run and `runs` interleaved runs (median).
 */
export async function benchRecordCost(dir: string, calls: number, runs: number): Promise<RecordCostResult> {
  const tracker = openResourceTracker({ path: join(dir, 'record-cost.db'), flushOnExit: false });
  await tracker.ready;
  const ids = Array.from({ length: calls }, () => uuidV7(Date.now()));
  const samples = { tracker: [] as number[], withId: [] as number[], counter: [] as number[], push: [] as number[] };
  let pendingAfterLoop = 0;
  for (let run = 0; run < runs + 2; run++) {
    const warm = run < 2;

    let t = nowMs();
    for (let i = 0; i < calls; i++) tracker.trackBandwidthUpload('s3-main', 's3', 1024 + (i & 1023));
    let elapsed = nowMs() - t;
    pendingAfterLoop = tracker.pendingCount;
    if (!warm) samples.tracker.push((elapsed * 1e6) / calls);
    await flushOrThrow(tracker);

    t = nowMs();
    for (let i = 0; i < calls; i++) tracker.trackBandwidthUpload('s3-main', 's3', 1024 + (i & 1023), { id: ids[i]! });
    elapsed = nowMs() - t;
    if (!warm) samples.withId.push((elapsed * 1e6) / calls);
    await flushOrThrow(tracker);

    t = nowMs();
    for (let i = 0; i < calls; i++) sink.counter += 1024 + (i & 1023);
    elapsed = nowMs() - t;
    if (!warm) samples.counter.push((elapsed * 1e6) / calls);

    sink.events = [];
    t = nowMs();
    for (let i = 0; i < calls; i++)
      sink.events.push({ backend: 's3-main', type: 's3', resource: 1, amount: 1024 + (i & 1023), ts: Date.now() });
    elapsed = nowMs() - t;
    if (!warm) samples.push.push((elapsed * 1e6) / calls);
    sink.events = [];
  }
  await tracker.close();
  return {
    callsPerRun: calls,
    runs,
    trackerNs: median(samples.tracker),
    trackerWithIdNs: median(samples.withId),
    counterNs: median(samples.counter),
    arrayPushNs: median(samples.push),
    pendingAfterLoop,
  };
}

async function flushOrThrow(tracker: { flush(): Promise<{ error?: Error }> }) {
  const result = await tracker.flush();
  if (result.error) throw result.error;
}
