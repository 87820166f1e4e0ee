import type { CheckedEvent } from '@bytemeter/core';

// A recorded event is kept as the JSON text of its UsageEventInput, made once when it is recorded: a
// batch's request body is then these texts joined, with no object per event to keep alive meanwhile and
// no JSON.stringify of a 1,000-event variables object per request (both showed up in the sender's
// profile). The text is pure ASCII (anything else is written as a \u escape, which JSON.parse reads back
// as the same character), so its length is exactly its size in the request body.

const NOT_ASCII = /[^\u0020-\u007e]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A string as a JSON string literal in printable ASCII.
 * @example jsonString('café "x"') // '"caf\\u00e9 \\"x\\""'
 */
export function jsonString(value: string): string {
  return asciiJson(JSON.stringify(value));
}

/** JSON text with every character outside printable ASCII (only ever inside strings) as a \u escape. */
export function asciiJson(json: string): string {
  NOT_ASCII.lastIndex = 0;
  return NOT_ASCII.test(json) ? json.replace(NOT_ASCII, escapeChar) : json;
}

const UPPER_CASE = new Map<string, string>();
/** The GraphQL enum value of a vocabulary word ('s3' → 'S3'); the vocabulary is small and fixed. */
function enumValue(word: string): string {
  let value = UPPER_CASE.get(word);
  if (value === undefined) {
    value = word.toUpperCase();
    UPPER_CASE.set(word, value);
  }
  return value;
}

// Date#toISOString costs about half a microsecond; events recorded in a burst share their second, so the
// text up to the milliseconds is made once per second.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * The RFC 3339 time stamp Date#toISOString writes (e.g. 2026-12-03T16:55:48.123Z), made faster for runs of
 * times in the same second.
 */
export function isoTime(time: number): string {
  // A Date drops a fraction of a millisecond (an injected clock may have one).
  const ms = Math.trunc(time);
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    // Only the common 24-character form (years 0000 to 9999) has its milliseconds at a fixed place.
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * The UsageEventInput of a checked event as JSON text, the fields in the order the SDK has always sent
 * them. `backendJson` is jsonString(e.backend), which the caller keeps per backend.
 */
export function eventJson(e: CheckedEvent, id: string, backendJson: string): string {
  const parts = [
    '{"id":',
    e.key === null ? `"${id}"` : jsonString(id),
    ',"timestamp":"',
    isoTime(e.ts),
    '","backend":',
    backendJson,
    ',"backendType":"',
    enumValue(e.backendType),
    '","resourceType":"',
    enumValue(e.resourceType),
    '","amount":',
    String(e.amount),
  ];
  if (e.operationId !== null) parts.push(',"operationId":', jsonString(e.operationId));
  if (e.path !== null) parts.push(',"path":', jsonString(e.path));
  parts.push(e.success ? ',"success":true' : ',"success":false');
  if (e.durationMs !== null) parts.push(',"durationMs":', String(e.durationMs));
  // Core's serialized copy, so a caller changing its object after the call changes nothing that is sent.
  if (e.metadata !== null) parts.push(',"metadata":', asciiJson(e.metadata));
  if (e.apiClass !== null) parts.push(',"apiClass":"', enumValue(e.apiClass), '"');
  parts.push('}');
  // join, not `+`: it makes one flat string, where `+` leaves a tree of pieces (a "rope") behind every
  // event that waits in the buffer, which the garbage collector then copies about, piece by piece.
  return parts.join('');
}
