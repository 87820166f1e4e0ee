import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  StorageLevelError,
  ValidationError,
} from '../errors.js';
import { RESOURCE_CODE, type TrackEvent } from '../types.js';
import { type IngestContext, type IngestOutcome, ingestPlan } from './ingest-plan.js';
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

/**
 * Checks every event of a batch without writing: each one on its own, then backend types and storage
 * levels across the batch, starting from what this process knows. Returns the events ready to write and
 * every refusal with its index.
 */
export function validateBatch(
  events: readonly unknown[],
  now: number,
  knownTypes: ReadonlyMap<string, string>,
  knownLevels: ReadonlyMap<string, number>,
): { events: PendingEvent[]; rejected: RejectedEvent[] } {
  if (!Array.isArray(events)) throw new ValidationError('INVALID_OPTION', 'A batch is an array of events.');
  if (events.length > MAX_BATCH_EVENTS) {
    throw new ValidationError(
      'BATCH_TOO_LARGE',
      `A batch holds at most ${MAX_BATCH_EVENTS} events; got ${events.length}. Split it.`,
    );
  }
  const rejected: RejectedEvent[] = [];
  const ready: PendingEvent[] = [];
  const types = new Map(knownTypes);
  const levels = new Map(knownLevels);
  events.forEach((raw, index) => {
    try {
      const e = toBatchPending(raw, now);
      const known = types.get(e.backend);
      if (known === undefined) types.set(e.backend, e.backendType);
      else if (known !== e.backendType) throw new BackendTypeConflictError(e.backend, known, e.backendType);
      if (e.resource === RESOURCE_CODE.storage_used) {
        const level = levels.get(e.backend) ?? 0;
        if (!e.isLevelReport && level + e.amount < 0) throw new StorageLevelError(e.backend, level, e.amount);
        levels.set(e.backend, e.isLevelReport ? e.amount : level + e.amount);
      }
      ready.push(e);
    } catch (error) {
      if (!(error instanceof BytemeterError)) throw error;
      rejected.push({ index, code: error.code, message: error.message });
    }
  });
  return { events: ready, rejected };
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

/** The ingest plan, all or nothing: any refusal by the database rolls the whole batch back. */
export function* atomicIngestPlan(
  db: Kysely<Database>,
  events: readonly PendingEvent[],
  ctx: IngestContext,
): Plan<IngestOutcome> {
  const outcome = yield* ingestPlan(db, events, ctx);
  if (outcome.errors.length > 0) throw new BatchRefusedError(outcome.errors);
  return outcome;
}

/** Maps refusals found in the database (another process got there first) back to the events they concern. */
export function rejectionsFor(events: readonly PendingEvent[], errors: readonly Error[]): RejectedEvent[] {
  const out: RejectedEvent[] = [];
  for (const error of errors) {
    const code: BytemeterErrorCode = error instanceof BytemeterError ? error.code : 'INVALID_OPTION';
    let index = -1;
    if (error instanceof BackendTypeConflictError) {
      index = events.findIndex((e) => e.backend === error.backend && e.backendType === error.requestedType);
    } else if (error instanceof StorageLevelError) {
      index = events.findIndex(
        (e) =>
          e.backend === error.backend &&
          e.resource === RESOURCE_CODE.storage_used &&
          !e.isLevelReport &&
          e.amount === error.delta,
      );
    }
    out.push({ index: Math.max(index, 0), code, message: error.message });
  }
  return out;
}
