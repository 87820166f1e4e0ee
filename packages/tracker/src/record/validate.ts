import { ValidationError } from '../errors.js';
import {
  BACKEND_TYPES,
  type BackendType,
  RESOURCE_CODE,
  RESOURCE_TYPES,
  type ResourceType,
  type TrackOptions,
} from '../types.js';
import type { PendingEvent } from './pending-event.js';

const MAX_NAME = 256;
const MAX_ID = 256;
const MAX_PATH = 4096;
const MAX_METADATA_BYTES = 16 * 1024;
/** Earliest accepted event time: 2000-01-01T00:00:00Z. */
export const MIN_TIMESTAMP = 946_684_800_000;
/** How far ahead of the tracker's clock an event may be stamped (clock skew between hosts). */
export const MAX_FUTURE_MS = 24 * 3_600_000;

const backendTypes = new Set<string>(BACKEND_TYPES);
const resourceTypes = new Set<string>(RESOURCE_TYPES);

export function assertBackendName(backend: unknown): asserts backend is string {
  if (typeof backend !== 'string' || backend.length === 0 || backend.length > MAX_NAME || backend.trim() !== backend) {
    throw new ValidationError(
      'INVALID_BACKEND_NAME',
      `Backend name must be a non-empty string of at most ${MAX_NAME} characters without surrounding spaces; got ${describe(backend)}.`,
    );
  }
}

export function assertBackendType(type: unknown): asserts type is BackendType {
  if (typeof type !== 'string' || !backendTypes.has(type)) {
    throw new ValidationError(
      'INVALID_BACKEND_TYPE',
      `Backend type must be one of ${BACKEND_TYPES.join(', ')}; got ${describe(type)}.`,
    );
  }
}

export function assertResourceType(type: unknown): asserts type is ResourceType {
  if (typeof type !== 'string' || !resourceTypes.has(type)) {
    throw new ValidationError(
      'INVALID_RESOURCE_TYPE',
      `Resource type must be one of ${RESOURCE_TYPES.join(', ')}; got ${describe(type)}.`,
    );
  }
}

/** Amounts are exact integers: no fractions, NaN, infinities or values past 2^53. */
export function assertAmount(amount: unknown, signed: boolean, what: string): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || (!signed && amount < 0)) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `${what} must be ${signed ? 'an' : 'a non-negative'} integer no larger than 2^53-1 in magnitude; got ${describe(amount)}.`,
    );
  }
}

/** Cents may have a fraction down to a micro-dollar (1/10,000 of a cent). */
export function centsToMicros(cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isFinite(cents) || cents < 0) {
    throw new ValidationError('INVALID_AMOUNT', `Cost must be a non-negative number of cents; got ${describe(cents)}.`);
  }
  const micros = Math.round(cents * 10_000);
  if (Math.abs(micros - cents * 10_000) > 1e-6 * Math.max(1, micros) || !Number.isSafeInteger(micros)) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `Cost in cents must be a whole number of micro-dollars (at most 4 decimals) below 2^53 micros; got ${cents}.`,
    );
  }
  return micros;
}

export function toTimestamp(value: Date | number | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `Timestamp must be a valid Date or ms since the epoch; got ${describe(value)}.`,
    );
  }
  const t = Math.floor(ms);
  if (t < MIN_TIMESTAMP || t > now + MAX_FUTURE_MS) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `Timestamp ${new Date(t).toISOString()} is outside the accepted span (from 2000-01-01 to one day past now).`,
    );
  }
  return t;
}

function optionalText(value: unknown, max: number, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ValidationError(
      'INVALID_OPTION',
      `${what} must be a non-empty string of at most ${max} characters; got ${describe(value)}.`,
    );
  }
  return value;
}

function serializeMetadata(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError('INVALID_OPTION', 'metadata must be a plain object.');
  }
  let json: string;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new ValidationError('INVALID_OPTION', `metadata must be JSON-serializable: ${(error as Error).message}`);
  }
  if (json.length > MAX_METADATA_BYTES) {
    throw new ValidationError('INVALID_OPTION', `metadata must serialize to at most ${MAX_METADATA_BYTES} characters.`);
  }
  return json;
}

/**
 * Checks everything about one event that can be checked without the database and returns it ready for
 * the batch. Throws ValidationError; nothing is recorded then.
 */
export function toPendingEvent(
  backend: unknown,
  backendType: unknown,
  resourceType: ResourceType,
  amount: number,
  opts: TrackOptions | undefined,
  now: number,
  isLevelReport = false,
): PendingEvent {
  assertBackendName(backend);
  assertBackendType(backendType);
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw new ValidationError('INVALID_OPTION', 'Options must be an object.');
  }
  const success = opts?.success;
  if (success !== undefined && typeof success !== 'boolean') {
    throw new ValidationError('INVALID_OPTION', `success must be a boolean; got ${describe(success)}.`);
  }
  const duration = opts?.durationMs;
  if (
    duration !== undefined &&
    duration !== null &&
    (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0 || duration > 2 ** 31)
  ) {
    throw new ValidationError(
      'INVALID_OPTION',
      `durationMs must be a non-negative number of milliseconds; got ${describe(duration)}.`,
    );
  }
  return {
    backend,
    backendType,
    resource: RESOURCE_CODE[resourceType],
    amount,
    ts: toTimestamp(opts?.timestamp, now),
    success: success ?? true,
    durationMs: duration === undefined || duration === null ? null : Math.round(duration),
    operationId: optionalText(opts?.operationId, MAX_ID, 'operationId'),
    path: optionalText(opts?.path, MAX_PATH, 'path'),
    metadata: serializeMetadata(opts?.metadata),
    key: optionalText(opts?.id, MAX_ID, 'id'),
    isLevelReport,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (value instanceof Date) return `Date(${value.getTime()})`;
  return typeof value;
}
