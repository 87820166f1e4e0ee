import { TrackUsageMutation } from '../documents/mutations.js';
import { queryText } from './execute.js';

// The trackUsage request body written from the events' JSON texts (see tracker/event-json.ts) straight
// into one byte array. A 1,000-event body is about 200 KB: made as one string (JSON.stringify of the
// variables, or a join of every event), it lands in V8's large-object space, and allocating and
// collecting those cost more than the encoding itself; chunks of a few dozen events stay small.

const CHUNK = 64;
const SUFFIX = ']}}';
let prefix: string | undefined;
const encoder = new TextEncoder();

/** `{"query":"mutation TrackUsage…","variables":{"events":[`, made once. */
function bodyPrefix(): string {
  prefix ??= `{"query":${JSON.stringify(queryText(TrackUsageMutation))},"variables":{"events":[`;
  return prefix;
}

/** The size of a trackUsage body besides its events and the commas between them, in bytes. */
export function trackUsageOverhead(): number {
  return bodyPrefix().length + SUFFIX.length;
}

/**
 * The UTF-8 body of `{ query: TrackUsageMutation, variables: { events } }` for the first `count` events,
 * given as printable-ASCII JSON texts (so one character is one byte).
 * @example trackUsageBody(['{"backend":"b","backendType":"S3","resourceType":"API_CALLS","amount":1}'], 1)
 */
export function trackUsageBody(events: readonly unknown[], count: number): Uint8Array<ArrayBuffer> {
  const head = bodyPrefix();
  let size = head.length + SUFFIX.length + Math.max(0, count - 1);
  for (let i = 0; i < count; i++) size += (events[i] as string).length;
  const body = new Uint8Array(size);
  let at = encoder.encodeInto(head, body).written;
  for (let from = 0; from < count; from += CHUNK) {
    let chunk = from === 0 ? '' : ',';
    const to = Math.min(count, from + CHUNK);
    for (let i = from; i < to; i++) chunk += i === from ? (events[i] as string) : `,${events[i] as string}`;
    at += encoder.encodeInto(chunk, body.subarray(at)).written;
  }
  at += encoder.encodeInto(SUFFIX, body.subarray(at)).written;
  if (at !== size) throw new Error(`trackUsage body: wrote ${at} of ${size} bytes (an event's JSON is not ASCII)`);
  return body;
}
