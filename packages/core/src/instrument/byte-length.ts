/** Property names under which clients commonly pass a payload inside an options object (`{ Body }`, `{ data }`). */
export const PAYLOAD_KEYS: readonly string[] = [
  'Body',
  'body',
  'data',
  'Data',
  'content',
  'contents',
  'payload',
  'file',
];

// Buffer.byteLength is the fast path in Node; a browser (no Buffer) counts through TextEncoder.
const encoder = typeof Buffer === 'undefined' ? new TextEncoder() : undefined;

/** The UTF-8 length of a string. */
export function utf8Length(text: string): number {
  return encoder ? encoder.encode(text).byteLength : Buffer.byteLength(text, 'utf8');
}

/**
 * The size in bytes of a byte-like value: Uint8Array/Buffer or any ArrayBufferView, ArrayBuffer, string
 * (as UTF-8) or Blob; `undefined` for anything else.
 * @example byteLengthOf('héllo') // 6
 */
export function byteLengthOf(value: unknown): number | undefined {
  if (typeof value === 'string') return utf8Length(value);
  if (value === null || typeof value !== 'object') return undefined;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer))
    return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  return undefined;
}

/**
 * Bytes sent by a call: the first binary argument (Uint8Array, Buffer, ArrayBuffer, Blob); else a byte-like
 * payload property of an object argument (`{ Body }`, `{ data }`, …); else the last string argument, as
 * UTF-8 (a string before the payload is usually a key or a path: `put(key, text)`).
 * @example uploadBytesOf(['key', new Uint8Array(10)]) // 10
 */
export function uploadBytesOf(args: readonly unknown[]): number | undefined {
  for (const arg of args) {
    if (typeof arg === 'string') continue;
    const n = byteLengthOf(arg);
    if (n !== undefined) return n;
  }
  for (const arg of args) {
    if (arg === null || typeof arg !== 'object') continue;
    for (const key of PAYLOAD_KEYS) {
      const n = byteLengthOf((arg as Record<string, unknown>)[key]);
      if (n !== undefined) return n;
    }
  }
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i];
    if (typeof arg === 'string') return utf8Length(arg);
  }
  return undefined;
}

/**
 * Bytes received by a call: a byte-like result, else the result's numeric `size` or `ContentLength`
 * (as on Blob-like and AWS SDK results).
 * @example downloadBytesOf({ ContentLength: 42, Body: stream }) // 42
 */
export function downloadBytesOf(result: unknown): number | undefined {
  const n = byteLengthOf(result);
  if (n !== undefined) return n;
  if (result === null || typeof result !== 'object') return undefined;
  const { size, ContentLength } = result as { size?: unknown; ContentLength?: unknown };
  if (typeof size === 'number') return size;
  if (typeof ContentLength === 'number') return ContentLength;
  return undefined;
}
