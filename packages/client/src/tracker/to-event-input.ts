import type { UsageEventInput } from '../create-client.js';
import { ClientValidationError } from '../errors.js';
import { BACKEND_TYPES, type BackendType, RESOURCE_TYPES, type ResourceType, type TrackOptions } from './types.js';

// The same limits the tracker enforces (packages/tracker/src/record/validate.ts), checked here so a bad
// call throws at once on the caller's stack instead of poisoning a batch later.
const MAX_NAME = 256;
const MAX_ID = 256;
const MAX_PATH = 4096;
const MAX_METADATA = 16 * 1024;
const MIN_TIMESTAMP = 946_684_800_000;
const MAX_INT32 = 2_147_483_647;

const backendTypes = new Set<string>(BACKEND_TYPES);
const resourceTypes = new Set<string>(RESOURCE_TYPES);

const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function fail(field: string, message: string): never {
  throw new ClientValidationError(field, message);
}

function text(value: unknown, max: number, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(field, `${field} must be a non-empty string of at most ${max} characters; got ${describe(value)}.`);
  }
  return value;
}

/**
 * Converts cents (down to a micro-dollar) to micros, exactly as the tracker's trackCost does.
 * @example centsToMicros(5) // 50_000
 */
export function centsToMicros(cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isFinite(cents) || cents < 0) {
    fail('cents', `Cost must be a non-negative number of cents; got ${describe(cents)}.`);
  }
  const micros = Math.round(cents * 10_000);
  if (Math.abs(micros - cents * 10_000) > 1e-6 * Math.max(1, micros) || !Number.isSafeInteger(micros)) {
    fail('cents', `Cost in cents must be a whole number of micro-dollars (at most 4 decimals); got ${cents}.`);
  }
  return micros;
}

/**
 * Checks one event and turns it into the API's UsageEventInput, with an id and a time stamp fixed now,
 * and estimates its size in a request body (escapes counted twice for path and metadata).
 * Throws ClientValidationError; nothing is buffered then.
 */
export function toEventInput(
  backend: unknown,
  backendType: unknown,
  resourceType: ResourceType,
  amount: unknown,
  opts: TrackOptions | undefined,
  now: number,
  newId: (now: number) => string,
): { input: UsageEventInput; size: number } {
  if (typeof backend !== 'string' || backend.length === 0 || backend.length > MAX_NAME || backend.trim() !== backend) {
    fail(
      'backend',
      `Backend name must be a non-empty string of at most ${MAX_NAME} characters without surrounding spaces; got ${describe(backend)}.`,
    );
  }
  if (typeof backendType !== 'string' || !backendTypes.has(backendType)) {
    fail('backendType', `Backend type must be one of ${BACKEND_TYPES.join(', ')}; got ${describe(backendType)}.`);
  }
  if (!resourceTypes.has(resourceType)) {
    fail('resourceType', `Resource type must be one of ${RESOURCE_TYPES.join(', ')}; got ${describe(resourceType)}.`);
  }
  const signed = resourceType === 'storage_used';
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || (!signed && amount < 0)) {
    fail(
      'amount',
      `amount must be ${signed ? 'an' : 'a non-negative'} integer no larger than 2^53-1 in magnitude; got ${describe(amount)}.`,
    );
  }
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) fail('options', 'Options must be an object.');
  const o = opts ?? {};
  const id = text(o.id, MAX_ID, 'id') ?? newId(now);
  const operationId = text(o.operationId, MAX_ID, 'operationId');
  const path = text(o.path, MAX_PATH, 'path');
  let timestamp = now;
  if (o.timestamp !== undefined) {
    const ms = o.timestamp instanceof Date ? o.timestamp.getTime() : o.timestamp;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < MIN_TIMESTAMP) {
      fail(
        'timestamp',
        `Timestamp must be a valid Date or ms since the epoch after 2000; got ${describe(o.timestamp)}.`,
      );
    }
    timestamp = Math.floor(ms);
  }
  if (o.success !== undefined && typeof o.success !== 'boolean') fail('success', 'success must be a boolean.');
  if (
    o.durationMs !== undefined &&
    (typeof o.durationMs !== 'number' ||
      !Number.isInteger(o.durationMs) ||
      o.durationMs < 0 ||
      o.durationMs > MAX_INT32)
  ) {
    fail('durationMs', `durationMs must be a non-negative integer of milliseconds; got ${describe(o.durationMs)}.`);
  }
  let metadataChars = 0;
  if (o.metadata !== undefined && o.metadata !== null) {
    if (typeof o.metadata !== 'object' || Array.isArray(o.metadata))
      fail('metadata', 'metadata must be a plain object.');
    let json: string;
    try {
      json = JSON.stringify(o.metadata);
    } catch (error) {
      fail('metadata', `metadata must be JSON-serializable: ${(error as Error).message}`);
    }
    if (json.length > MAX_METADATA) fail('metadata', `metadata must serialize to at most ${MAX_METADATA} characters.`);
    metadataChars = json.length;
  }
  // What the event adds to a request body, near enough to keep batches under the server's body limit.
  const size =
    240 + backend.length + id.length + (operationId?.length ?? 0) + (path?.length ?? 0) * 2 + metadataChars * 2;
  const input: UsageEventInput = {
    id,
    timestamp: new Date(timestamp).toISOString(),
    backend,
    backendType: backendType.toUpperCase() as Uppercase<BackendType>,
    resourceType: resourceType.toUpperCase() as Uppercase<ResourceType>,
    amount,
    ...(operationId !== undefined ? { operationId } : {}),
    ...(path !== undefined ? { path } : {}),
    success: o.success ?? true,
    ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
  };
  return { input, size };
}
