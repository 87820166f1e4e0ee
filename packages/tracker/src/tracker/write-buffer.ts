import type { Plan, Runner, SyncRunner } from '../db/runner.js';
import { isStorageFull } from '../errors.js';
import type { IngestOutcome } from '../record/ingest-plan.js';
import type { PendingEvent } from '../record/pending-event.js';
import type { FlushResult } from '../types.js';

export interface WriteBufferParts {
  runner: Runner;
  /** The runner when it can write on the caller's stack (SQLite), for flushSync at exit; else null. */
  syncRunner: SyncRunner | null;
  /** Every write waits for the schema. */
  ready: Promise<void>;
  /** Pending events that start a flush at once, and the most one transaction writes. */
  maxBatchSize: number;
  /** Most events held unwritten; newer ones are dropped and counted while it is reached. */
  maxPendingEvents: number;
  /** The plan that writes one batch in one transaction. */
  plan(batch: readonly PendingEvent[]): Plan<IngestOutcome>;
  /** Called after each committed write, while the buffer holds what was recorded since. */
  written(outcome: IngestOutcome): void;
  /** Housekeeping after a committed flush (retention). A failure is reported, never retried as the batch. */
  afterFlush(): Promise<void>;
  /** Says something once per episode (process.emitWarning by default). */
  warn(message: string, code: string): void;
}

/** What the buffer knows of the writes behind it: for reads that answer while the disk is full, and health. */
export interface WriteState {
  /** The last write failed with SQLITE_FULL and none has succeeded since: reads miss the pending events. */
  storageFull: boolean;
  /** When the current disk-full episode began (ms since the epoch), else null. */
  storageFullSince: number | null;
  /** Events recorded and not yet written. */
  pending: number;
  /** Events dropped because the buffer was full, since the tracker opened. */
  droppedTotal: number;
}

/**
 * Events recorded and not yet written, and the one chain of flushes that writes them in order. Nothing
 * acknowledged is lost: a chunk whose write fails goes back in front of what came since. The buffer is
 * bounded (`maxPendingEvents`): past it, new events are refused silently and counted (the oldest stay, so
 * levels and order stay consistent), as the remote tracker in @bytemeter/client does. Writes go in chunks of
 * `maxBatchSize`, so a backlog built up while the disk was full fits again as soon as some space is freed.
 */
export class WriteBuffer {
  private batch: PendingEvent[] = [];
  /** The flush writing now, else null. */
  private running: FlushRun | null = null;
  /**
   * The last flush waiting for it: every caller until it starts joins it (but close()'s, see flushLast), and
   * it takes what is pending then.
   */
  private queued: FlushRun | null = null;
  private flushScheduled = false;
  /** Written, duplicates, dropped and errors since the last `flush()` result reported them. */
  private unreported: Unreported = new Unreported();
  /** A flush nobody reported failed and was warned about; a clean one ends the episode. */
  private backgroundFailing = false;
  /** Dropped since a flush last took them into its result. */
  private droppedUnreported = 0;
  private droppedTotal = 0;
  private overflowing = false;
  private fullSince: number | null = null;

  constructor(private readonly parts: WriteBufferParts) {}

  /** Recorded, not yet written, oldest first. */
  get pending(): readonly PendingEvent[] {
    return this.batch;
  }

  get state(): WriteState {
    return {
      storageFull: this.fullSince !== null,
      storageFullSince: this.fullSince,
      pending: this.batch.length,
      droppedTotal: this.droppedTotal,
    };
  }

  /** There is room for one more event; else it is counted as dropped (and warned about once per episode). */
  admit(): boolean {
    if (this.batch.length < this.parts.maxPendingEvents) return true;
    this.droppedUnreported += 1;
    this.droppedTotal += 1;
    if (!this.overflowing) {
      this.overflowing = true;
      this.parts.warn(
        `bytemeter: ${this.batch.length} events are waiting to be written (maxPendingEvents)${this.fullSince !== null ? ' because the disk is full' : ''}; new events are dropped and counted until a flush succeeds.`,
        'BYTEMETER_EVENTS_DROPPED',
      );
    }
    return false;
  }

  push(e: PendingEvent): void {
    this.batch.push(e);
    // While the disk is full, the interval timer retries: a flush per recorded event would only spin.
    if (this.batch.length >= this.parts.maxBatchSize && !this.flushScheduled && this.fullSince === null) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.background();
      });
    }
  }

  /**
   * Writes every pending event, `maxBatchSize` per transaction, oldest first, and reports everything written,
   * refused or dropped since the previous `flush()` result: what the interval timer or a full batch wrote
   * in between included, so a caller always sees its own events' counts and errors. Never rejects: a
   * failure is returned, the chunks before it stay written, and the rest stays pending.
   */
  async flush(): Promise<FlushResult> {
    const run = this.join();
    run.reported = true;
    return (await run.done).result!;
  }

  /**
   * close()'s last flush: a run of its own, after the one running and the one queued, never joined to one
   * a `flush()` or settle caller already waits for. Sharing that run would hand its one outcome to both
   * callers: a refused event's error reported by `flush()` and again by close(). So a `flush()` called
   * before close() reports what its run (which takes everything pending when it starts) wrote and refused;
   * this run then writes what is still pending (what that run left unwritten, retried once more) and
   * reports only its own outcome and what flushes nobody reported left (as `flush()` does).
   * A background run (interval, full batch, natural exit) running or queued now is one no `flush()` can
   * join any more (the tracker is closed): its outcome is this run's to report, so it warns of nothing.
   * Else it would warn "the next flush() reports it" and close() would then reject with the same error.
   */
  async flushLast(): Promise<FlushResult> {
    for (const earlier of [this.running, this.queued]) {
      if (earlier && !earlier.reported) earlier.reportedByLast = true;
    }
    const run = this.join(true);
    run.reported = true;
    return (await run.done).result!;
  }

  /**
   * The interval timer's, a full batch's and the natural-exit flush: its result is kept for the next
   * `flush()`, its error warned.
   */
  background(): void {
    void this.join().done;
  }

  /**
   * Flushes, and throws the error that left events unwritten, if any: what `ingestBatch` needs before it
   * goes on, so it sees everything recorded before it. A thrown error is that caller's, not carried to the
   * next `flush()`; a refused event (its batch committed without it) is left for `flush()` to report.
   */
  async settle(): Promise<void> {
    const run = this.join();
    run.settles = true;
    const { unwritten } = await run.done;
    if (unwritten) throw unwritten;
  }

  /**
   * What a read needs first: like settle, except that a full disk does not stop it; the read then answers
   * from what is stored, and `state.storageFull` says it is stale (and the next `flush()` returns the error).
   */
  async settleForRead(): Promise<void> {
    const run = this.join();
    run.reads = true;
    const { unwritten } = await run.done;
    if (unwritten && !isStorageFull(unwritten)) throw unwritten;
  }

  /**
   * A flush that takes everything pending now: the queued one if there is one (it has not taken its events
   * yet), else a new one, started now or queued behind the one running (which may have taken its events
   * before some of the caller's were recorded). `alone`: always a new one, queued behind the queued one too.
   */
  private join(alone = false): FlushRun {
    if (this.queued && !alone) return this.queued;
    const run: FlushRun = {
      reported: false,
      settles: false,
      reads: false,
      reportedByLast: false,
      done: undefined as unknown as Promise<FlushOutcome>,
    };
    const start = async (): Promise<FlushOutcome> => {
      this.running = run;
      try {
        return this.finish(run, await this.flushNow(run));
      } finally {
        this.running = null;
      }
    };
    // Queued until it takes its events (after the schema is ready), so callers until then join it.
    const before = this.queued ?? this.running;
    this.queued = run;
    run.done = before ? before.done.then(start, start) : start();
    return run;
  }

  /** The run takes what is pending now: a flush asked for from here on needs a run of its own. */
  private taken(run: FlushRun): void {
    if (this.queued === run) this.queued = null;
  }

  /**
   * Hands a flush's result to exactly one place: its `flush()` callers (with everything unreported before
   * it), else the settle callers it throws to (the error that left events unwritten), else the next
   * `flush()`, warned about once per episode. Every caller that joined a run asked for that same flush, so
   * they share its outcome (close() joins none: flushLast); what one run reported is never reported by another.
   */
  private finish(run: FlushRun, own: Tally): FlushOutcome {
    const unwritten = own.leftUnwritten ? own.error : undefined;
    // A settle caller throws this error: it has reached a caller (unless a flush() caller takes it anyway).
    const thrown =
      unwritten !== undefined && (run.settles || (run.reads && !isStorageFull(unwritten))) ? unwritten : undefined;
    const all = this.unreported;
    all.add(own, thrown === undefined || run.reported);
    if (run.reported) {
      this.unreported = new Unreported();
      this.backgroundFailing = false;
      return { result: all.result(own.error), unwritten };
    }
    if (own.error === undefined) {
      this.backgroundFailing = false;
    } else if (thrown === undefined && !run.reportedByLast && !this.backgroundFailing && !isStorageFull(own.error)) {
      // Nobody awaits this flush: say so once per episode, and the next flush() returns the error.
      this.backgroundFailing = true;
      this.parts.warn(
        `bytemeter: a background flush failed (${own.error.message}); the next flush() reports it.`,
        'BYTEMETER_FLUSH_FAILED',
      );
    }
    return { result: null, unwritten };
  }

  /** Writes what is pending on the caller's stack (the process is exiting); a failure goes to stderr. */
  flushSync(): void {
    const runner = this.parts.syncRunner;
    if (!runner) throw new Error('flushSync needs a synchronous (SQLite) runner.');
    while (this.batch.length > 0) {
      const chunk = this.batch.splice(0, this.parts.maxBatchSize);
      try {
        const outcome = runner.writeSync(() => this.parts.plan(chunk));
        this.parts.written(outcome);
        // No flush() comes after this one: a refused event is said here or nowhere (as the exit writer does).
        for (const error of outcome.errors) process.stderr.write(`bytemeter: refused at exit: ${error.message}\n`);
      } catch (error) {
        const lost = chunk.length + this.batch.length;
        this.batch = chunk.concat(this.batch);
        process.stderr.write(`bytemeter: could not write ${lost} events at exit: ${(error as Error).message}\n`);
        return;
      }
    }
  }

  private async flushNow(run: FlushRun): Promise<Tally> {
    try {
      await this.parts.ready;
    } catch (error) {
      this.taken(run);
      return this.result(0, 0, error as Error, this.batch.length > 0);
    }
    // What is pending now; events recorded during the flush wait for the next one.
    this.taken(run);
    let left = this.batch.length;
    let written = 0;
    let duplicates = 0;
    let error: Error | undefined;
    while (left > 0) {
      const chunk = this.batch.splice(0, Math.min(left, this.parts.maxBatchSize));
      let outcome: IngestOutcome;
      try {
        outcome = await this.parts.runner.write(() => this.parts.plan(chunk));
      } catch (e) {
        // The chunk goes back in front of what came since, and is retried by the next flush.
        this.batch = chunk.concat(this.batch);
        if (isStorageFull(e)) this.enterFull();
        return this.result(written, duplicates, e as Error, true);
      }
      left -= chunk.length;
      written += outcome.written;
      duplicates += outcome.duplicates;
      error ??= outcome.errors[0];
      this.parts.written(outcome);
      this.fullSince = null;
    }
    if (written + duplicates > 0 || this.batch.length === 0) this.overflowing = false;
    if (written + duplicates === 0 && error === undefined) return this.result(0, 0, undefined);
    // The chunks are committed: a failed prune is reported but must not put them back (they would count twice).
    const afterError = await this.parts.afterFlush().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    return this.result(written, duplicates, error ?? afterError);
  }

  /** A write outside the buffer (ingestBatch) failed with SQLITE_FULL or succeeded: the same episode. */
  noteWrite(error: unknown): void {
    if (error === undefined) this.fullSince = null;
    else if (isStorageFull(error)) this.enterFull();
  }

  private enterFull(): void {
    if (this.fullSince !== null) return;
    this.fullSince = Date.now();
    this.parts.warn(
      `bytemeter: the database is out of space (SQLITE_FULL); ${this.batch.length} events are kept in memory (at most maxPendingEvents) and retried each flush interval. Reads answer from what is stored until then.`,
      'BYTEMETER_STORAGE_FULL',
    );
  }

  /** A flush's own counts, with the drops since the previous flush took them. */
  private result(written: number, duplicates: number, error: Error | undefined, leftUnwritten = false): Tally {
    const dropped = this.droppedUnreported;
    this.droppedUnreported = 0;
    return { written, duplicates, dropped, error, leftUnwritten };
  }
}

/** One flush's own outcome. */
interface Tally {
  written: number;
  duplicates: number;
  dropped: number;
  /** Its first failure: a refused event, a failed write, or a failed prune after the commit. */
  error: Error | undefined;
  /** The error failed a write (or the schema), so events it took are pending again. */
  leftUnwritten: boolean;
}

/** At most this many errors are kept for one `flush()` result beyond the count (a database down for hours fails every interval). */
const MAX_KEPT_ERRORS = 10;

/** What flushes nobody reported wrote, dropped and refused, for the next `flush()` result. */
class Unreported {
  written = 0;
  duplicates = 0;
  dropped = 0;
  /** Refusals and failures other than a full disk, oldest first: the first MAX_KEPT_ERRORS. */
  private readonly errors: Error[] = [];
  private errorCount = 0;
  /** The latest full-disk error of the episode under way: one however many retries failed. */
  private full: Error | undefined;

  /** Adds a flush's counts, and its error when `withError` (no settle caller threw it). */
  add(own: Tally, withError: boolean): void {
    this.written += own.written;
    this.duplicates += own.duplicates;
    this.dropped += own.dropped;
    // A full disk carried from an earlier flush is stale once a later flush wrote without one (what it held
    // back is written now), so it is not reported as if still true.
    if (own.error === undefined) this.full = undefined;
    else if (!withError) return;
    else if (isStorageFull(own.error)) this.full = own.error;
    else {
      this.errorCount += 1;
      if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push(own.error);
    }
  }

  /** The `flush()` result: `ownError` (the reporting flush's own) first, then the carried ones oldest first. */
  result(ownError: Error | undefined): FlushResult {
    const errors = [...this.errors];
    if (this.full) errors.push(this.full);
    const count = this.errorCount + (this.full ? 1 : 0);
    if (ownError) {
      // Counted already; past MAX_KEPT_ERRORS it was not kept, but it still comes first.
      const at = errors.indexOf(ownError);
      errors.unshift(...(at === -1 ? [ownError] : errors.splice(at, 1)));
    }
    const [error, ...others] = errors;
    return {
      written: this.written,
      duplicates: this.duplicates,
      ...(this.dropped > 0 ? { dropped: this.dropped } : {}),
      ...(error ? { error } : {}),
      ...(count > 1 ? { errorCount: count, otherErrors: others.slice(0, MAX_KEPT_ERRORS) } : {}),
    };
  }
}

interface FlushOutcome {
  /** What its `flush()` callers get (everything unreported before it included); null when none joined. */
  result: FlushResult | null;
  /** The error that left events it took unwritten: what settle callers throw. */
  unwritten: Error | undefined;
}

interface FlushRun {
  /** A `flush()` caller joined it: it reports (and clears) what earlier flushes left unreported. */
  reported: boolean;
  /** A `settle()` caller joined it: an error that leaves events unwritten is thrown to it. */
  settles: boolean;
  /** A `settleForRead()` caller joined it: such an error is thrown to it unless the disk is full. */
  reads: boolean;
  /** close()'s run comes after it and reports its outcome (flushLast): it warns of nothing. */
  reportedByLast: boolean;
  done: Promise<FlushOutcome>;
}
