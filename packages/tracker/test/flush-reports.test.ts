import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openResourceTracker, type ResourceTracker, TotalLimitError, TrackerClosedError } from '../src/index.js';
import { FIXTURES, startFixture } from './support/spawn-worker.js';
import { describeEachDialect, newStore, type StoreOptions, writeStore } from './support/stores.js';

// Every event is either written or refused at once, and every flush's error reaches exactly one caller.
// Before: events recorded while close() wrote its last batch were acknowledged and then dropped with the
// connection; an error thrown to ingestBatch (or close) was reported again by the next flush(); and of
// several interval flushes refused before one flush(), only one error was returned.

const MAX = Number.MAX_SAFE_INTEGER;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const RANGE = { from: new Date(NOW - 3_600_000), to: new Date(NOW + 1) };
let t: ResourceTracker | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await t?.close().catch(() => {});
  t = undefined;
});

/** Makes every write of raw events fail (a trigger added through another connection), until `allowWrites`. */
async function refuseWrites(store: StoreOptions): Promise<void> {
  if (store.databaseUrl) {
    await writeStore(
      store,
      "create or replace function refuse_write() returns trigger language plpgsql as $$ begin raise exception 'write refused by the test'; end $$",
    );
    await writeStore(
      store,
      'create trigger refuse_write before insert on events for each statement execute function refuse_write()',
    );
  } else {
    await writeStore(
      store,
      "create trigger refuse_write before insert on events begin select raise(abort, 'write refused by the test'); end",
    );
  }
}

async function allowWrites(store: StoreOptions): Promise<void> {
  await writeStore(store, store.databaseUrl ? 'drop trigger refuse_write on events' : 'drop trigger refuse_write');
}

async function storedApiCalls(store: StoreOptions): Promise<number> {
  const again = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
  try {
    const s = await again.getResourceSummary(RANGE);
    return s.backends.calls?.resources.api_calls?.totalAmount ?? 0;
  } finally {
    await again.close();
  }
}

describeEachDialect('flush-reports', (dialect) => {
  it('an event recorded while close() flushes is written or refused with TrackerClosedError, never dropped', async () => {
    const store = await newStore('close');
    for (let round = 0; round < 3; round++) {
      const tracker = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
      t = tracker;
      let acknowledged = 0;
      let refused = 0;
      const record = () => {
        try {
          tracker.trackApiCall('calls', 's3', { timestamp: NOW - 1000 });
          acknowledged += 1;
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerClosedError);
          refused += 1;
        }
      };
      for (let i = 0; i < 500; i++) record();
      let closed = false;
      const closing = tracker.close().finally(() => {
        closed = true;
      });
      // Records on every microtask (the SQLite write runs on one) and every turn of the loop (PostgreSQL's
      // answer arrives on one) until close() has ended.
      while (!closed) {
        for (let i = 0; i < 1000 && !closed; i++) {
          record();
          await null;
        }
        await new Promise((r) => setImmediate(r));
      }
      await closing;
      t = undefined;
      // Every acknowledged event is stored, and each of the others was refused with TrackerClosedError.
      expect((await storedApiCalls(store)) - round * 500).toBe(acknowledged);
      // Refused from the call to close() on: nothing recorded after it was acknowledged.
      expect({ acknowledged, refusedSome: refused > 0 }).toEqual({ acknowledged: 500, refusedSome: true });
    }
  });

  it('an error thrown to ingestBatch or close() is not reported again by the next flush()', async () => {
    const store = await newStore('settle');
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => {
      if (w.code === 'BYTEMETER_FLUSH_FAILED') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      // No interval flush: one firing while writes are refused would rightly warn (BYTEMETER_FLUSH_FAILED)
      // and take the pending event; this test is about the errors thrown to ingestBatch and close() only.
      t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false, flushIntervalMs: 3_600_000 });
      await t.ready;
      await refuseWrites(store);
      t.trackApiCall('calls', 's3', { timestamp: NOW - 1000 });
      const batch = [
        { backend: 'calls', backendType: 's3', resourceType: 'api_calls', amount: 1, timestamp: NOW - 900 },
      ];
      // The pending event cannot be written, so the batch after it is not either: ingestBatch rejects.
      await expect(t.ingestBatch(batch)).rejects.toThrow(/write refused by the test/);
      await allowWrites(store);
      // That error has reached its caller: this flush writes the event and has nothing else to say.
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      expect(warnings).toEqual([]);

      // close() rejects with its final flush's error, and a flush() after it does not report it again.
      await refuseWrites(store);
      t.trackApiCall('calls', 's3', { timestamp: NOW - 800 });
      await expect(t.close()).rejects.toThrow(/write refused by the test/);
      const after = await t.flush();
      expect(after).toEqual({ written: 0, duplicates: 0, error: expect.any(TrackerClosedError) });
      await expect(t.close()).resolves.toBeUndefined();
      t = undefined;
      expect(warnings).toEqual([]);
      await allowWrites(store);
      expect(await storedApiCalls(store)).toBe(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a refused event before ingestBatch is reported by flush() once, and the batch is written', async () => {
    const store = await newStore('refused');
    t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
    t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
    expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
    t.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
    const batch = [{ backend: 'calls', backendType: 's3', resourceType: 'api_calls', amount: 1, timestamp: NOW - 900 }];
    let ingested = false;
    const ingesting = t.ingestBatch(batch).finally(() => {
      ingested = true;
    });
    // Recorded while ingestBatch waits for the flush before it (on every microtask: the SQLite write runs on
    // one; and every turn of the loop: PostgreSQL's answer comes on one). That flush refused an event of its
    // own and wrote the rest: these are not events it left unwritten, so ingestBatch goes on.
    let recorded = 0;
    while (!ingested) {
      for (let i = 0; i < 20; i++) {
        t.trackApiCall('calls', 's3', { timestamp: NOW - 800 });
        recorded += 1;
        await null;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await ingesting).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const flushed = await t.flush();
    expect(flushed.written).toBeGreaterThan(0);
    expect(flushed.error).toBeInstanceOf(TotalLimitError);
    expect(flushed.errorCount).toBeUndefined();
    expect(await t.flush()).toEqual({ written: 0, duplicates: 0 });
    expect(await storedApiCalls(store)).toBe(recorded + 1);
  });

  it('several interval flushes refused before one flush(): the first error, with the count and the others', async () => {
    t = openResourceTracker({ ...(await newStore('many')), clock: () => NOW, flushOnExit: false, flushIntervalMs: 20 });
    const tracker = t;
    tracker.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 5000 });
    expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
    process.on('warning', ignore);
    try {
      for (let i = 0; i < 3; i++) {
        tracker.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 4000 + i });
        // Only the timer writes it: a flush of its own, refused, with nobody awaiting it.
        while (tracker.pendingCount > 0) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      process.off('warning', ignore);
    }
    const flushed = await tracker.flush();
    expect(flushed.written).toBe(0);
    expect(flushed.error).toBeInstanceOf(TotalLimitError);
    expect(flushed.errorCount).toBe(3);
    expect(flushed.otherErrors).toHaveLength(2);
    for (const e of flushed.otherErrors ?? []) expect(e).toBeInstanceOf(TotalLimitError);
    expect(new Set([flushed.error, ...(flushed.otherErrors ?? [])]).size).toBe(3);
    expect(await tracker.flush()).toEqual({ written: 0, duplicates: 0 });
  });

  it('a process whose writes fail still ends on its own, and says on stderr what it could not write', async () => {
    const store = await newStore('exit');
    await openResourceTracker({ ...store, flushOnExit: false }).close(); // the schema, for the trigger
    await refuseWrites(store);
    // Before: 'beforeExit' started another flush for as long as events were pending, and a PostgreSQL
    // write (an answer over the network) brought 'beforeExit' back each time: the process never ended.
    const worker = startFixture(join(FIXTURES, 'refused-exit-worker.ts'), { worker: 1, store, mode: 'natural' });
    const ended = await Promise.race([
      worker.done.then(() => 'ended'),
      new Promise((r) => setTimeout(r, 20_000, 'still running after 20 s')),
    ]);
    if (ended !== 'ended') worker.child.kill('SIGKILL');
    expect(ended).toBe('ended');
    // On PostgreSQL the exit child process says why, on the same stderr.
    expect(worker.stderr()).toMatch(/could not write 1 events at exit/);
    expect(worker.stderr()).toMatch(/write refused by the test/);
  }, 30_000);

  it('an event the exit write refuses is named on stderr', async () => {
    const store = await newStore('exit-refused');
    const worker = startFixture(join(FIXTURES, 'refused-exit-worker.ts'), { worker: 1, store, mode: 'exit' });
    await worker.done;
    expect(worker.stderr()).toMatch(/refused at exit: .*2\^53 - 1/);
  });

  it('a flush() called just before close() reports its refused event; close() does not report it again', async () => {
    t = openResourceTracker({ ...(await newStore('flush-close')), clock: () => NOW, flushOnExit: false });
    const tracker = t;
    tracker.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
    expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
    tracker.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
    tracker.trackApiCall('calls', 's3', { timestamp: NOW - 900 });
    // Before: close() joined the flush queued by flush() and rejected with the same TotalLimitError.
    const flushing = tracker.flush();
    const closing = tracker.close();
    const flushed = await flushing;
    expect(flushed).toMatchObject({ written: 1, duplicates: 0, error: expect.any(TotalLimitError) });
    expect(flushed.errorCount).toBeUndefined();
    await expect(closing).resolves.toBeUndefined();
    t = undefined;
  });

  it('close() after a flush() whose write failed tries again and rejects with its own error', async () => {
    const store = await newStore('flush-close-fail');
    t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false, flushIntervalMs: 3_600_000 });
    const tracker = t;
    await tracker.ready;
    await refuseWrites(store);
    tracker.trackApiCall('calls', 's3', { timestamp: NOW - 1000 });
    const flushing = tracker.flush();
    const closing = tracker.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    const flushed = await flushing;
    expect(flushed).toMatchObject({ written: 0, duplicates: 0, error: { message: /write refused by the test/ } });
    const closeError = await closing;
    expect(closeError).toMatchObject({ message: /write refused by the test/ });
    // Its own attempt's error, not the flush()'s handed to both.
    expect(closeError).not.toBe(flushed.error);
    t = undefined;
    await allowWrites(store);
    expect(await storedApiCalls(store)).toBe(0);
  });

  // Before: the background run warned BYTEMETER_FLUSH_FAILED ("the next flush() reports it": no flush() can
  // come after close()) and close() then rejected with the same error, so it was reported twice.
  it('close() reports an event refused by a background flush queued before it, which warns of nothing', async () => {
    t = openResourceTracker({ ...(await newStore('close-after-bg')), clock: () => NOW, flushIntervalMs: 3_600_000 });
    const tracker = t;
    tracker.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
    expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
    const warnings = captureWarnings();
    tracker.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
    process.emit('beforeExit', 0); // the natural-exit flush: a background run, queued until it takes the event
    await expect(tracker.close()).rejects.toBeInstanceOf(TotalLimitError);
    t = undefined;
    expect(warnings).toEqual([]);
  });

  it.runIf(dialect === 'postgres')(
    'close() reports an event refused by a background flush queued behind a running flush()',
    async () => {
      const store = await newStore('close-behind-bg');
      t = openResourceTracker({ ...store, clock: () => NOW, flushIntervalMs: 3_600_000 });
      const tracker = t;
      tracker.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 3000 });
      expect(await tracker.flush()).toEqual({ written: 1, duplicates: 0 });
      await writeStore(
        store,
        'create function slow() returns trigger language plpgsql as $$ begin perform pg_sleep(0.6); return null; end $$',
      );
      await writeStore(store, 'create trigger slow before insert on events for each statement execute function slow()');
      const warnings = captureWarnings();
      tracker.trackApiCall('calls', 's3', { timestamp: NOW - 2000 });
      const flushing = tracker.flush(); // running: it sleeps in the trigger
      await new Promise((r) => setTimeout(r, 200));
      tracker.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
      process.emit('beforeExit', 0); // queued behind the running flush
      await expect(tracker.close()).rejects.toBeInstanceOf(TotalLimitError);
      t = undefined;
      expect(await flushing).toEqual({ written: 1, duplicates: 0 });
      expect(warnings).toEqual([]);
    },
  );

  it('close() rejects with an event its final flush refused', async () => {
    t = openResourceTracker({ ...(await newStore('close-refused')), clock: () => NOW, flushOnExit: false });
    t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
    t.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
    await expect(t.close()).rejects.toBeInstanceOf(TotalLimitError);
    t = undefined;
  });
});

function ignore(): void {}

/** The codes of the warnings emitted from now on (none reaches the console). */
function captureWarnings(): string[] {
  const codes: string[] = [];
  vi.spyOn(process, 'emitWarning').mockImplementation(((_w: string | Error, o?: unknown) => {
    codes.push(String(typeof o === 'string' ? o : (o as { code?: string } | undefined)?.code));
  }) as never);
  return codes;
}
