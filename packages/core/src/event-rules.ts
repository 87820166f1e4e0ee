// The rules every recorded event obeys, in one place: the local tracker checks them before buffering, the
// remote tracker before sending, and the API gets the same answer from the tracker behind it.
import { ValidationError } from './errors.js';
import {
  API_CALL_CLASSES,
  type ApiCallClass,
  BACKEND_TYPES,
  type BackendType,
  DAY_MS,
  RESOURCE_TYPES,
  type ResourceType,
} from './vocabulary.js';

export const MAX_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 256;
export const MAX_PATH_LENGTH = 4096;
/** Characters of metadata once serialized as JSON. */
export const MAX_METADATA_CHARS = 16 * 1024;
/** Longest accepted durationMs (2^31 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31;
/** Earliest accepted event time: 2000-01-01T00:00:00Z. */
export const MIN_TIMESTAMP = 946_684_800_000;
/** How far ahead of the recorder's clock an event may be stamped (clock skew between hosts). */
export const MAX_FUTURE_MS = DAY_MS;

/** Options every recording method takes. */
export interface TrackOptions {
  /** Idempotency key; time-ordered ids (ULID / UUIDv7) are the fast path. The remote tracker makes a UUIDv7 when absent. */
  id?: string;
  operationId?: string;
  /** File path, object key or CID. */
  path?: string;
  metadata?: Record<string, unknown>;
  /** Date or ms since the epoch; default: when the call was made. */
  timestamp?: Date | number;
  /** Default true. */
  success?: boolean;
  /** Milliseconds; a fraction is rounded to the nearest millisecond. */
  durationMs?: number;
  /** API_CALLS only: the call's price class ('a', 'b' or 'free'); absent prices it at a plan's unclassified rate. */
  apiClass?: ApiCallClass | null;
}

export interface TrackEvent extends TrackOptions {
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
}

/** An event that passed every rule, in the form both trackers store or send. */
export interface CheckedEvent {
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
  /** ms since the epoch, whole. */
  ts: number;
  success: boolean;
  durationMs: number | null;
  operationId: string | null;
  path: string | null;
  /** Serialized JSON, so a caller mutating its object later changes nothing. */
  metadata: string | null;
  /** The idempotency key (`id`), if one was given. */
  key: string | null;
  /** The price class of an API_CALLS event, if one was given. */
  apiClass: ApiCallClass | null;
}

const backendTypes = new Set<string>(BACKEND_TYPES);
const resourceTypes = new Set<string>(RESOURCE_TYPES);

// C0 and C1 control characters (NUL, ESC, BEL…) let a name rewrite a terminal or a log line; a lone UTF-16
// surrogate cannot be stored as UTF-8 and would be mangled at flush. Both are refused where text comes in.
const UNSAFE_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` holds a control character or a lone surrogate. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_TEXT.test(text);
}

const UNSAFE_NOTE = 'control characters and unpaired surrogates are not allowed';

export function assertBackendName(backend: unknown): asserts backend is string {
  if (
    typeof backend !== 'string' ||
    backend.length === 0 ||
    backend.length > MAX_NAME_LENGTH ||
    backend.trim() !== backend ||
    UNSAFE_TEXT.test(backend)
  ) {
    throw new ValidationError(
      'INVALID_BACKEND_NAME',
      `Backend name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters without surrounding spaces (${UNSAFE_NOTE}); got ${describe(backend)}.`,
      'backend',
    );
  }
}

export function assertBackendType(type: unknown): asserts type is BackendType {
  if (typeof type !== 'string' || !backendTypes.has(type)) {
    throw new ValidationError(
      'INVALID_BACKEND_TYPE',
      `Backend type must be one of ${BACKEND_TYPES.join(', ')}; got ${describe(type)}.`,
      'backendType',
    );
  }
}

export function assertResourceType(type: unknown): asserts type is ResourceType {
  if (typeof type !== 'string' || !resourceTypes.has(type)) {
    throw new ValidationError(
      'INVALID_RESOURCE_TYPE',
      `Resource type must be one of ${RESOURCE_TYPES.join(', ')}; got ${describe(type)}.`,
      'resourceType',
    );
  }
}

/** Amounts are exact integers: no fractions, NaN, infinities or values past 2^53. */
export function assertAmount(amount: unknown, signed: boolean, what: string): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || (!signed && amount < 0)) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `${what} must be ${signed ? 'an' : 'a non-negative'} integer no larger than 2^53-1 in magnitude; got ${describe(amount)}.`,
      'amount',
    );
  }
}

/**
 * Cents may have a fraction down to a micro-dollar (1/10,000 of a cent).
 * @example centsToMicros(5) // 50_000
 */
export function centsToMicros(cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isFinite(cents) || cents < 0) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `Cost must be a non-negative number of cents; got ${describe(cents)}.`,
      'cents',
    );
  }
  const micros = Math.round(cents * 10_000);
  if (Math.abs(micros - cents * 10_000) > 1e-6 * Math.max(1, micros) || !Number.isSafeInteger(micros)) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `Cost in cents must be a whole number of micro-dollars (at most 4 decimals) below 2^53 micros; got ${cents}.`,
      'cents',
    );
  }
  return micros;
}

/** An event time as whole ms, from 2000-01-01 to one day past `now`; `now` when absent. */
export function toTimestamp(value: Date | number | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `Timestamp must be a valid Date or ms since the epoch; got ${describe(value)}.`,
      'timestamp',
    );
  }
  const t = Math.floor(ms);
  if (t < MIN_TIMESTAMP || t > now + MAX_FUTURE_MS) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `Timestamp ${new Date(t).toISOString()} is outside the accepted span (from 2000-01-01 to one day past now).`,
      'timestamp',
    );
  }
  return t;
}

function optionalText(value: unknown, max: number, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || UNSAFE_TEXT.test(value)) {
    throw new ValidationError(
      'INVALID_OPTION',
      `${field} must be a non-empty string of at most ${max} characters (${UNSAFE_NOTE}); got ${describe(value)}.`,
      field,
    );
  }
  return value;
}

function refuseUnsafeKeys(key: string, value: unknown): unknown {
  if (UNSAFE_TEXT.test(key)) {
    throw new ValidationError(
      'INVALID_OPTION',
      `metadata key ${describe(key)} is refused: ${UNSAFE_NOTE}.`,
      'metadata',
    );
  }
  return value;
}

function serializeMetadata(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError('INVALID_OPTION', 'metadata must be a plain object.', 'metadata');
  }
  let json: string;
  try {
    // The replacer sees every key at every depth, so nested keys are held to the same rule.
    json = JSON.stringify(metadata, refuseUnsafeKeys);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      'INVALID_OPTION',
      `metadata must be JSON-serializable: ${(error as Error).message}`,
      'metadata',
    );
  }
  if (json.length > MAX_METADATA_CHARS) {
    throw new ValidationError(
      'INVALID_OPTION',
      `metadata must serialize to at most ${MAX_METADATA_CHARS} characters.`,
      'metadata',
    );
  }
  return json;
}

const AMOUNT_LABEL: Readonly<Record<ResourceType, string>> = {
  bandwidth_upload: 'Upload bytes',
  bandwidth_download: 'Download bytes',
  storage_used: 'Storage delta',
  api_calls: 'API calls',
  operation_cost: 'Cost in micros',
};

/**
 * Checks everything about one event that can be checked without a database: names, types, the amount
 * (signed only for a storage delta; `absolute` for a level report), the options, and the time stamp
 * (from 2000 to one day past `now`). Throws ValidationError (with `field`); nothing is recorded then.
 * @example checkEvent('photos', 's3', 'bandwidth_upload', 1024, { path: 'a.jpg' }, Date.now())
 */
export function checkEvent(
  backend: unknown,
  backendType: unknown,
  resourceType: unknown,
  amount: unknown,
  opts: TrackOptions | undefined,
  now: number,
  absolute = false,
): CheckedEvent {
  assertBackendName(backend);
  assertBackendType(backendType);
  assertResourceType(resourceType);
  assertAmount(
    amount,
    resourceType === 'storage_used' && !absolute,
    absolute ? 'Storage level' : AMOUNT_LABEL[resourceType],
  );
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw new ValidationError('INVALID_OPTION', 'Options must be an object.', 'options');
  }
  const success = opts?.success;
  if (success !== undefined && typeof success !== 'boolean') {
    throw new ValidationError('INVALID_OPTION', `success must be a boolean; got ${describe(success)}.`, 'success');
  }
  const duration = opts?.durationMs;
  if (
    duration !== undefined &&
    duration !== null &&
    (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0 || duration > MAX_DURATION_MS)
  ) {
    throw new ValidationError(
      'INVALID_OPTION',
      `durationMs must be a non-negative number of milliseconds up to ${MAX_DURATION_MS}; got ${describe(duration)}.`,
      'durationMs',
    );
  }
  return {
    backend,
    backendType,
    resourceType,
    amount,
    ts: toTimestamp(opts?.timestamp, now),
    success: success ?? true,
    // Wrappers measure with performance.now(), which has fractions; both trackers store whole ms.
    durationMs: duration === undefined || duration === null ? null : Math.round(duration),
    operationId: optionalText(opts?.operationId, MAX_ID_LENGTH, 'operationId'),
    path: optionalText(opts?.path, MAX_PATH_LENGTH, 'path'),
    metadata: serializeMetadata(opts?.metadata),
    key: optionalText(opts?.id, MAX_ID_LENGTH, 'id'),
    apiClass: checkApiClass(opts?.apiClass, resourceType),
  };
}

/** An API call's price class: one of API_CALL_CLASSES, and only on API_CALLS events (nothing else is priced by class). */
function checkApiClass(value: unknown, resourceType: ResourceType): ApiCallClass | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(API_CALL_CLASSES as readonly string[]).includes(value)) {
    throw new ValidationError(
      'INVALID_OPTION',
      `apiClass must be one of ${API_CALL_CLASSES.join(', ')}; got ${describe(value)}.`,
      'apiClass',
    );
  }
  if (resourceType !== 'api_calls') {
    throw new ValidationError(
      'INVALID_OPTION',
      `apiClass applies to api_calls events only, not ${resourceType}.`,
      'apiClass',
    );
  }
  return value as ApiCallClass;
}

/** A short, printable description of a refused value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (value instanceof Date) return `Date(${value.getTime()})`;
  return typeof value;
}
