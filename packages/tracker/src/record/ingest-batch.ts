import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  StorageLevelError,
  TotalLimitError,
  ValidationError,
} from '../errors.js';
import { RESOURCE_CODE, type TrackEvent } from '../types.js';
import { type IngestContext, type IngestOutcome, ingestPlan, refusedEvents } from './ingest-plan.js';
import type { PendingEvent } from './pending-event.js';
import { assertAmount, assertResourceType, toPendingEvent } from './validate.js';

/** Most events one ingestBatch call accepts; larger batches are refused whole. */
export const MAX_BATCH_EVENTS = 1000;

/** One event of a batch; `levelReport` marks a STORAGE_USED amount as an absolute level (setStorageLevel). */
export interface BatchEvent extends TrackEvent {
  levelReport?: boolean;
}

export interface RejectedEvent {
  /** Index of the event in the batch. */
  index: number;
  code: BytemeterErrorCode;
  message: string;
}

/** What an atomic batch did: everything stored (`rejected` empty) or nothing (`accepted` 0). */
export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

/** A validated batch: the events that passed (with their index in the batch) and every refusal. */
export interface CheckedBatch {
  events: PendingEvent[];
  indices: number[];
  rejected: RejectedEvent[];
}

/**
 * Checks every event of a batch without writing: each one on its own, then backend types across the batch
 * and against the types this process knows (a type never changes, so that knowledge is never stale).
 * Storage levels are checked in the write transaction, against the database: another process may have
 * moved them. Returns the events ready to write and every refusal with its index.
 */
export function validateBatch(
  events: readonly unknown[],
  now: number,
  knownTypes: ReadonlyMap<string, string>,
): CheckedBatch {
  if (!Array.isArray(events)) throw new ValidationError('INVALID_OPTION', 'A batch is an array of events.');
  if (events.length > MAX_BATCH_EVENTS) {
    throw new ValidationError(
      'BATCH_TOO_LARGE',
      `A batch holds at most ${MAX_BATCH_EVENTS} events; got ${events.length}. Split it.`,
    );
  }
  const rejected: RejectedEvent[] = [];
  const ready: PendingEvent[] = [];
  const indices: number[] = [];
  const types = new Map(knownTypes);
  events.forEach((raw, index) => {
    try {
      const e = toBatchPending(raw, now);
      const known = types.get(e.backend);
      if (known === undefined) types.set(e.backend, e.backendType);
      else if (known !== e.backendType) throw new BackendTypeConflictError(e.backend, known, e.backendType);
      ready.push(e);
      indices.push(index);
    } catch (error) {
      if (!(error instanceof BytemeterError)) throw error;
      rejected.push({ index, code: error.code, message: error.message });
    }
  });
  return { events: ready, indices, rejected };
}

function toBatchPending(raw: unknown, now: number): PendingEvent {
  if (raw === null || typeof raw !== 'object') throw new ValidationError('INVALID_OPTION', 'An event is an object.');
  const e = raw as BatchEvent;
  assertResourceType(e.resourceType);
  const levelReport = e.levelReport === true;
  if (levelReport && e.resourceType !== 'storage_used') {
    throw new ValidationError('INVALID_OPTION', 'Only a storage_used event can be a level report.');
  }
  assertAmount(e.amount, e.resourceType === 'storage_used' && !levelReport, 'amount');
  return toPendingEvent(e.backend, e.backendType, e.resourceType, e.amount, e, now, levelReport);
}

/** Thrown inside the write transaction to roll it back when the database refuses part of a batch. */
export class BatchRefusedError extends Error {
  constructor(readonly errors: readonly Error[]) {
    super('The batch was refused; nothing was written.');
  }
}

/**
 * The ingest plan, all or nothing: any refusal by the database rolls the whole batch back. A dry run
 * (when validation already refused part of the batch) always rolls back, only to collect what the
 * database would refuse among the rest, so every bad event is reported at once.
 */
export function* atomicIngestPlan(
  db: Kysely<Database>,
  events: readonly PendingEvent[],
  ctx: IngestContext,
  dryRun = false,
): Plan<IngestOutcome> {
  const refuse = (errors: readonly Error[]) => {
    if (dryRun || errors.length > 0) throw new BatchRefusedError(errors);
  };
  const outcome = yield* ingestPlan(db, events, ctx, refuse);
  refuse(outcome.errors);
  return outcome;
}

/** Every refusal of a batch, from validation and from the database, by index in the batch. */
export function allRejections(checked: CheckedBatch, databaseErrors: readonly Error[]): RejectedEvent[] {
  const fromDatabase = rejectionsFor(checked.events, databaseErrors).map((r) => ({
    ...r,
    index: checked.indices[r.index] ?? r.index,
  }));
  return [...checked.rejected, ...fromDatabase].sort((a, b) => a.index - b.index);
}

/** Maps refusals found in the database back to the events they concern, each event listed once. */
export function rejectionsFor(events: readonly PendingEvent[], errors: readonly Error[]): RejectedEvent[] {
  const out: RejectedEvent[] = [];
  const used = new Set<number>();
  const add = (index: number, error: Error, code: BytemeterErrorCode) => {
    used.add(index);
    out.push({ index, code, message: error.message });
  };
  const storage = new Map<string, StorageLevelError[]>();
  for (const error of errors) {
    if (error instanceof BackendTypeConflictError) {
      // The database reports a clash once per name and type; every event of that pair is refused.
      events.forEach((e, i) => {
        if (!used.has(i) && e.backend === error.backend && e.backendType === error.requestedType)
          add(i, error, error.code);
      });
    } else if (error instanceof StorageLevelError) {
      storage.set(error.backend, [...(storage.get(error.backend) ?? []), error]);
    } else if (error instanceof TotalLimitError) {
      const refused = refusedEvents.get(error);
      add(refused ? Math.max(0, events.indexOf(refused)) : 0, error, error.code);
    } else {
      add(0, error, error instanceof BytemeterError ? error.code : 'INVALID_OPTION');
    }
  }
  for (const [backend, found] of storage) {
    const indices = storageFailures(events, backend, found);
    found.forEach((error, n) => {
      add(indices?.[n] ?? 0, error, error.code);
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Which events of one backend took its level below zero. The database reports each failure with the level
 * before it and the delta, in batch order, but not the starting level: try each starting level the first
 * failure allows and keep the one whose replay yields exactly the reported failures.
 */
function storageFailures(
  events: readonly PendingEvent[],
  backend: string,
  found: readonly StorageLevelError[],
): number[] | null {
  const idx = events.flatMap((e, i) => (e.backend === backend && e.resource === RESOURCE_CODE.storage_used ? [i] : []));
  // `refuse`: a delta that would go below zero is refused and not applied, as ingestPlan does.
  const replay = (start: number, refuse = true) => {
    let level = start;
    const failures: { index: number; level: number; delta: number }[] = [];
    const before: number[] = [];
    for (const i of idx) {
      const e = events[i]!;
      before.push(level);
      if (e.isLevelReport) level = e.amount;
      else if (refuse && level + e.amount < 0) failures.push({ index: i, level, delta: e.amount });
      else level += e.amount;
    }
    return { failures, before };
  };
  const first = found[0]!;
  // Offsets from the start level; everything before the first refusal was applied.
  const atZero = replay(0, false).before;
  for (let k = 0; k < idx.length; k++) {
    const e = events[idx[k]!]!;
    if (e.isLevelReport || e.amount !== first.delta) continue;
    const { failures } = replay(first.level - atZero[k]!);
    if (
      failures.length === found.length &&
      failures.every((f, n) => f.level === found[n]!.level && f.delta === found[n]!.delta)
    ) {
      return failures.map((f) => f.index);
    }
  }
  return null;
}
