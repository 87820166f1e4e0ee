import type { Plan } from '../db/runner.js';
import {
  allRejections,
  atomicIngestPlan,
  BatchRefusedError,
  type BatchResult,
  validateBatch,
} from '../record/ingest-batch.js';
import type { IngestOutcome } from '../record/ingest-plan.js';
import type { PendingEvent } from '../record/pending-event.js';
import type { BackendCache } from './backend-cache.js';
import type { Retention } from './retention.js';
import type { TrackerStore } from './store.js';
import type { WriteBuffer } from './write-buffer.js';

export interface BatchIngestParts {
  file: TrackerStore;
  retention: Retention;
  backends: BackendCache;
  buffer: WriteBuffer;
  clock: () => number;
  /** Called with the events a batch wrote, once its transaction committed. */
  committed?(events: readonly PendingEvent[]): void;
  /** Wraps the batch's plan (reading the data version around it, see tracker/commit-versions.ts). */
  wrap?(plan: Plan<IngestOutcome>): Plan<IngestOutcome>;
  /** Called with what the batch's transaction did, once it committed. */
  stored?(outcome: IngestOutcome): void;
}

/**
 * ResourceTracker.ingestBatch: validates every event, writes what this process recorded before (so
 * levels and duplicates are judged in order), then the batch in one transaction or none, reporting every
 * refused event with its index and code.
 */
export async function ingestBatchAtomically(parts: BatchIngestParts, events: readonly unknown[]): Promise<BatchResult> {
  const { file, retention, backends, buffer } = parts;
  const checked = validateBatch(events, parts.clock(), backends.types);
  // A full disk fails here (StorageFullError, events kept pending) or in the write below; both mark the episode.
  await buffer.settle();
  // Ids learnt inside a transaction that rolls back must not be kept: the write works on a copy.
  const ids = new Map(backends.ids);
  const ctx = retention.ingestContext(parts.clock(), ids);
  try {
    const dryRun = checked.rejected.length > 0;
    const plan = () => atomicIngestPlan(file.db, checked.events, ctx, dryRun);
    const outcome = await file.runner.write(() => (parts.wrap ? parts.wrap(plan()) : plan()));
    parts.stored?.(outcome);
    for (const [name, id] of ids) backends.ids.set(name, id);
    backends.written(outcome, buffer.pending);
    buffer.noteWrite(undefined);
    if (outcome.written > 0) parts.committed?.(checked.events);
    return { accepted: outcome.written, duplicates: outcome.duplicates, rejected: [] };
  } catch (error) {
    buffer.noteWrite(error);
    if (!(error instanceof BatchRefusedError)) throw error;
    return { accepted: 0, duplicates: 0, rejected: allRejections(checked, error.errors) };
  }
}
