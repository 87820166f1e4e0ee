import type { Plan, SyncRunner } from '../db/runner.js';
import type { IngestOutcome } from '../record/ingest-plan.js';
import type { PendingEvent } from '../record/pending-event.js';
import type { FlushResult } from '../types.js';

export interface WriteBufferParts {
  runner: SyncRunner;
  /** Every write waits for the schema. */
  ready: Promise<void>;
  /** Pending events that start a flush at once. */
  maxBatchSize: number;
  /** The plan that writes one batch in one transaction. */
  plan(batch: readonly PendingEvent[]): Plan<IngestOutcome>;
  /** Called after each committed write, while the buffer holds what was recorded since. */
  written(outcome: IngestOutcome): void;
  /** Housekeeping after a committed flush (retention). A failure is reported, never retried as the batch. */
  afterFlush(): Promise<void>;
}

/**
 * Events recorded and not yet written, and the one chain of flushes that writes them in order. Nothing
 * acknowledged is lost: a batch whose write fails goes back in front of what came since.
 */
export class WriteBuffer {
  private batch: PendingEvent[] = [];
  private chain: Promise<FlushResult> = Promise.resolve({ written: 0, duplicates: 0 });
  private flushScheduled = false;

  constructor(private readonly parts: WriteBufferParts) {}

  /** Recorded, not yet written, oldest first. */
  get pending(): readonly PendingEvent[] {
    return this.batch;
  }

  push(e: PendingEvent): void {
    this.batch.push(e);
    if (this.batch.length >= this.parts.maxBatchSize && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /** Writes every pending event in one transaction. Never rejects: a failure is returned and the events stay pending. */
  flush(): Promise<FlushResult> {
    this.chain = this.chain.then(() => this.flushNow());
    return this.chain;
  }

  /**
   * Flushes, and throws the flush's error if events are left unwritten: what every read, `ingestBatch` and
   * `close` need before they go on, so they see (or keep) everything recorded before them.
   */
  async settle(): Promise<void> {
    const flushed = await this.flush();
    if (flushed.error && this.batch.length > 0) throw flushed.error;
  }

  /** Writes what is pending on the caller's stack (the process is exiting); a failure goes to stderr. */
  flushSync(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    try {
      this.parts.written(this.parts.runner.writeSync(() => this.parts.plan(batch)));
    } catch (error) {
      process.stderr.write(`bytemeter: could not write ${batch.length} events at exit: ${(error as Error).message}\n`);
    }
  }

  private async flushNow(): Promise<FlushResult> {
    try {
      await this.parts.ready;
    } catch (error) {
      return { written: 0, duplicates: 0, error: error as Error };
    }
    if (this.batch.length === 0) return { written: 0, duplicates: 0 };
    const batch = this.batch;
    this.batch = [];
    let outcome: IngestOutcome;
    try {
      outcome = await this.parts.runner.write(() => this.parts.plan(batch));
    } catch (error) {
      // The batch goes back in front of what came since, and is retried.
      this.batch = batch.concat(this.batch);
      return { written: 0, duplicates: 0, error: error as Error };
    }
    this.parts.written(outcome);
    // The batch is committed: a failed prune is reported but must not put it back (it would count twice).
    const afterError = await this.parts.afterFlush().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const error = outcome.errors[0] ?? afterError;
    return { written: outcome.written, duplicates: outcome.duplicates, ...(error ? { error } : {}) };
  }
}
