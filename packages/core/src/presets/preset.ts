import type { StorageChange } from '../instrument/record-call.js';
import type { BackendType } from '../vocabulary.js';

export type { StorageChange } from '../instrument/record-call.js';

/** One request as a preset sees it, before it is sent. */
export interface PresetRequest {
  url: URL;
  /** Upper case. */
  method: string;
  headers: Headers;
  /** The body when it is a string or bytes; a stream or form is not read ahead, so undefined. */
  body: string | Uint8Array | undefined;
}

/** What a preset may do around a call besides counting its bytes. */
export interface PresetContext {
  /**
   * Sends a request through the instrumented fetch (so it is recorded, as a call with `purpose: 'size'`)
   * and returns the JSON values of its response; rejects on a status >= 400.
   */
  lookup(url: string | URL, init?: RequestInit): Promise<unknown[]>;
}

/** How a preset names and settles one request. */
export interface PresetCall {
  /** The operation's name, recorded as the API call's `metadata.operation` (e.g. 'pin/add', 'download'). */
  operation: string;
  /** The CID, key or repo file the call works on. */
  path?: string;
  metadata?: Record<string, unknown>;
  /** Collect the response's JSON values (a JSON body or NDJSON lines) for `settle`. */
  readJson?: boolean;
  /** A successful call stores what it sent (a blob PUT): the request's body bytes are added as storage. */
  storesBody?: boolean;
  /** Runs before the request is sent, e.g. to look up the size a removal will free. */
  prepare?(ctx: PresetContext): Promise<void>;
  /** Runs once a successful response was read to its end: the storage the call added or removed. */
  settle?(json: readonly unknown[], ctx: PresetContext): Promise<readonly StorageChange[]> | readonly StorageChange[];
}

/**
 * Knowledge of one HTTP backend for `instrumentFetch`: which URLs are its, and what each request is.
 * @example instrumentFetch({ presets: [kubo({ url: 'http://127.0.0.1:5001' })] })
 */
export interface FetchPreset {
  /** The preset's kind, e.g. 'kubo'. */
  readonly name: string;
  /** The backend name recorded. */
  readonly backend: string;
  readonly type: BackendType;
  matches(url: URL, method: string): boolean;
  describe(request: PresetRequest): PresetCall;
}

/** Options every preset takes. */
export interface PresetOptions {
  /** The backend name to record under; each preset has a default (its kind). */
  backend?: string;
}

/**
 * The JSON values of a response text: one JSON document, or NDJSON (one value per line).
 * @example jsonValues('{"a":1}\n{"b":2}\n') // [{ a: 1 }, { b: 2 }]
 */
export function jsonValues(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    return [JSON.parse(trimmed)];
  } catch {
    // Not one document: NDJSON, as Kubo streams its answers.
  }
  const out: unknown[] = [];
  for (const line of trimmed.split('\n')) {
    if (line.trim() === '') continue;
    out.push(JSON.parse(line));
  }
  return out;
}

/** A non-negative safe integer from a number or a numeric string (Kubo reports sizes as either), else undefined. */
export function sizeOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The value of a request body as text, when it is text or bytes. */
export function bodyText(body: string | Uint8Array | undefined): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return undefined;
}
