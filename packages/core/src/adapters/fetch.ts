// `fetch` for HTTP storage backends (IPFS RPC and gateways, Hugging Face Hub, Storacha, Pinata, Lassie):
// request and response bodies are counted as they stream, never buffered; presets name each request.

import { ValidationError } from '../errors.js';
import { assertBackendName, assertBackendType } from '../event-rules.js';
import { byteLengthOf } from '../instrument/byte-length.js';
import { type InstrumentErrorHandler, safely, warnOnce } from '../instrument/observe-call.js';
import { recordCall, type StorageChange } from '../instrument/record-call.js';
import { type FetchPreset, jsonValues, type PresetCall, type PresetContext } from '../presets/preset.js';
import { type PresetName, resolvePreset } from '../presets/resolve.js';
import type { UsageRecorder } from '../recorder.js';
import { getDefaultRecorder } from '../recorder.js';
import type { BackendType } from '../vocabulary.js';

/**
 * Which backend a URL belongs to. `match` is a URL prefix (`'https://huggingface.co/'`), a host name
 * (`'w3s.link'`, subdomains included), a RegExp tested on the whole URL, or a predicate.
 */
export interface FetchRule {
  match: string | RegExp | ((url: URL) => boolean);
  backend: string;
  type: BackendType;
}

export interface FetchInstrumentOptions {
  /** Tried in order, after the presets; the first match wins. A URL nothing matches is fetched without recording. */
  rules?: readonly FetchRule[];
  /**
   * Backends bytemeter knows, by name with their defaults ('kubo', 'gateway', 'huggingface', 'storacha', 'filecoin')
   * or configured (`kubo({ url, backend })`, `lassie({ url })`, … from `@bytemeter/core/presets`).
   */
  presets?: readonly (PresetName | FetchPreset)[];
  /** The fetch to wrap; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Where to record: any UsageRecorder (a local or a remote tracker); default getDefaultRecorder(), resolved per request. */
  tracker?: UsageRecorder;
  /** Told when recording fails; default one process warning. */
  onError?: InstrumentErrorHandler;
}

function matches(rule: FetchRule, url: URL): boolean {
  const { match } = rule;
  if (typeof match === 'function') return match(url);
  if (match instanceof RegExp) return match.test(url.href);
  if (match.includes('://')) return url.href.startsWith(match);
  return url.hostname === match || url.hostname.endsWith(`.${match}`);
}

/** A pass-through that hands on each chunk as the consumer pulls it (no read-ahead); it ends after `onEnd` settles. */
function countingStream(
  source: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: (error: unknown, complete: boolean) => void | Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (error) {
          await onEnd(error, false);
          controller.error(error);
          return;
        }
        if (step.done) {
          // The reader sees the end only once the call is recorded (storage lookups included).
          await onEnd(undefined, true);
          controller.close();
          return;
        }
        onChunk(step.value);
        controller.enqueue(step.value);
      },
      async cancel(reason) {
        await onEnd(undefined, false);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

async function* countingIterable(source: AsyncIterable<unknown>, onChunk: (bytes: number) => void) {
  for await (const chunk of source) {
    onChunk(byteLengthOf(chunk) ?? 0);
    yield chunk;
  }
}

/** A response body of at most this many bytes (by Content-Length) is read at once, so its call is recorded even if never read. */
const SMALL_BODY = 64 * 1024;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** The response again, over another body; a constructed Response has no url/redirected/type of its own, so keep the real ones. */
function rebuilt(response: Response, body: ReadableStream<Uint8Array> | Uint8Array | null): Response {
  const out = new Response(body as ConstructorParameters<typeof Response>[0], {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperties(out, {
    url: { value: response.url },
    redirected: { value: response.redirected },
    type: { value: response.type },
  });
  return out;
}

/** Up to this much of a response is kept for a preset's `settle` (a Kubo add of ~30k files); beyond, no storage is recorded. */
const MAX_JSON_CHARS = 4 * 1024 * 1024;

/** Raised to `onError` when a preset could not settle a call (a size lookup failed, a reply was unreadable). */
export class PresetSettleError extends Error {
  constructor(preset: string, operation: string, cause: unknown) {
    super(
      `bytemeter's ${preset} preset could not work out the storage change of ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'PresetSettleError';
  }
}

/** Fetches made by instrumentFetch: the global one is never wrapped twice (each request would count twice). */
const instrumented = new WeakSet<object>();

interface Target {
  backend: string;
  type: BackendType;
  preset: FetchPreset | null;
}

function checkOptions(options: FetchInstrumentOptions): { rules: FetchRule[]; presets: FetchPreset[] } {
  if (!options || typeof options !== 'object' || (!Array.isArray(options.rules) && !Array.isArray(options.presets))) {
    throw new ValidationError(
      'INVALID_OPTION',
      "instrumentFetch needs { rules: [{ match, backend, type }, …] } and/or { presets: ['kubo', …] }.",
    );
  }
  const rules = [...(options.rules ?? [])];
  for (const rule of rules) {
    assertBackendName(rule.backend);
    assertBackendType(rule.type);
    const m = rule.match;
    if (typeof m !== 'string' && typeof m !== 'function' && !(m instanceof RegExp)) {
      throw new ValidationError('INVALID_OPTION', 'A fetch rule `match` is a string, a RegExp or a function.');
    }
  }
  const presets = (options.presets ?? []).map(resolvePreset);
  return { rules, presets };
}

/**
 * Wraps `fetch` so requests to the backends the presets or rules name are recorded: one API call per
 * request (success is a 2xx/3xx status with a body read to its end; latency until the body ended), the
 * request body bytes (known sizes at once, streams as they are sent) and the response body bytes as the
 * caller reads them. A preset also names each request's operation (`metadata.operation`), records the
 * CID or repo file as the path, and the storage a call adds or removes. Presets are tried first, then
 * rules, in order; the first match wins. A response is recorded when its body is read to the end,
 * cancelled or fails, so read or cancel every body (as undici asks anyway); a body of at most 64 KiB
 * (by Content-Length) is read at once, so a small reply nobody reads is recorded too. An aborted request
 * is a failed call with the bytes moved so far.
 * @example
 * const trackedFetch = instrumentFetch({ presets: ['huggingface', 'kubo', 'gateway', 'storacha'] });
 * const trackedToo = instrumentFetch({ rules: [{ match: 'my-cdn.example', backend: 'cdn', type: 'ipfs' }] });
 * const res = await trackedFetch('https://huggingface.co/gpt2/resolve/main/config.json');
 */
export function instrumentFetch(options: FetchInstrumentOptions): typeof fetch {
  const { rules, presets } = checkOptions(options);
  const base = options.fetch ?? globalThis.fetch;
  const onError = options.onError ?? warnOnce;
  /** Inits of the requests presets send to learn a size: recorded with `purpose: 'size'`. */
  const lookups = new WeakSet<object>();

  const targetOf = (url: URL, method: string): Target | null => {
    const preset = presets.find((p) => p.matches(url, method));
    if (preset) return { backend: preset.backend, type: preset.type, preset };
    const rule = rules.find((r) => matches(r, url));
    return rule ? { backend: rule.backend, type: rule.type, preset: null } : null;
  };

  const context: PresetContext = {
    async lookup(url, init) {
      const marked: RequestInit = { ...init };
      lookups.add(marked);
      const res = await tracked(url, marked);
      const text = await res.text();
      if (!res.ok) throw new Error(`${new URL(String(url)).pathname} answered ${res.status}: ${text.slice(0, 200)}`);
      return jsonValues(text);
    },
  };

  const tracked = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const target = targetOf(url, method);
    if (!target) return base(input, init);
    const { backend, type, preset } = target;
    let startedAt = performance.now();
    let up = 0;
    let down = 0;
    let known: number | undefined;
    let sendInput: string | URL | Request = input;
    let sendInit = init;
    const countUp = (chunk: unknown) => {
      up += byteLengthOf(chunk) ?? 0;
    };

    const body = init?.body;
    if (body !== undefined && body !== null) {
      known = byteLengthOf(body);
      if (known === undefined && body instanceof URLSearchParams) known = Buffer.byteLength(body.toString());
      if (known === undefined && body instanceof FormData) {
        // Multipart bodies are built in memory anyway; serialise once to know (and send) their exact size.
        const encoded = new Request(url, { method: 'POST', body });
        const bytes = new Uint8Array(await encoded.arrayBuffer());
        const headers = new Headers(init?.headers);
        headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
        known = bytes.byteLength;
        sendInit = { ...init, body: bytes, headers };
      } else if (known === undefined && body instanceof ReadableStream) {
        sendInit = { ...init, body: countingStream(body, countUp, () => {}), duplex: 'half' } as RequestInit;
      } else if (known === undefined && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
        const iterable = countingIterable(body as AsyncIterable<unknown>, (n) => {
          up += n;
        });
        sendInit = { ...init, body: iterable as unknown as RequestInit['body'], duplex: 'half' } as RequestInit;
      }
    } else if (request?.body) {
      const streamed = countingStream(request.body, countUp, () => {});
      sendInput = new Request(request, { body: streamed, duplex: 'half' } as RequestInit);
    }

    let call: PresetCall | null = null;
    if (preset) {
      try {
        const sent = typeof body === 'string' || body instanceof Uint8Array ? body : undefined;
        const headers = new Headers(init?.headers ?? request?.headers);
        call = preset.describe({ url, method, headers, body: sent });
      } catch (error) {
        onError(error);
        call = { operation: 'unknown' };
      }
      if (call.prepare) {
        try {
          await call.prepare(context);
        } catch (error) {
          onError(new PresetSettleError(preset.name, call.operation, error));
        }
        startedAt = performance.now(); // the call's latency leaves out the preset's own lookups
      }
    }
    const purpose = init && lookups.has(init) ? { purpose: 'size' } : {};
    const path = preset ? call?.path : url.pathname;
    const operation = call ? { operation: call.operation } : {};
    let json = '';
    let jsonOverflow = false;
    const decoder = call?.readJson ? new TextDecoder() : null;

    let ended = false;
    const finish = async (response: Response | null, error: unknown, complete: boolean) => {
      if (ended) return;
      ended = true;
      const durationMs = performance.now() - startedAt;
      const success = error === undefined && response !== null && response.status < 400;
      let storage: readonly StorageChange[] = [];
      if (success && call?.storesBody) storage = [{ bytes: known ?? up }];
      if (success && complete && call?.settle && preset) {
        try {
          if (jsonOverflow) throw new Error(`its reply is longer than ${MAX_JSON_CHARS} characters`);
          if (decoder) json += decoder.decode();
          storage = await call.settle(decoder ? jsonValues(json) : [], context);
        } catch (settleError) {
          onError(new PresetSettleError(preset.name, call.operation, settleError));
        }
      }
      safely(() => {
        const metadata: Record<string, unknown> = {
          ...operation,
          method,
          status: response?.status ?? null,
          ...call?.metadata,
          ...purpose,
        };
        if (error !== undefined) metadata.error = error instanceof Error ? error.name : typeof error;
        recordCall(
          options.tracker ?? getDefaultRecorder(),
          backend,
          type,
          { path, durationMs, up: known ?? up, down, storage, success, metadata },
          onError,
        );
      }, onError);
    };

    let response: Response;
    try {
      response = await base(sendInput, sendInit);
    } catch (error) {
      await finish(null, error, false);
      throw error;
    }
    if (response.body === null) {
      await finish(response, undefined, true);
      return response;
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isSafeInteger(length) && length <= SMALL_BODY) {
      // Read a small body at once: clients often never read an upload's empty reply or a one-byte size
      // probe, and a body never read would leave its call unrecorded.
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        await finish(response, error, false);
        throw error;
      }
      down = bytes.byteLength;
      if (decoder) json = decoder.decode(bytes);
      await finish(response, undefined, true);
      return rebuilt(response, NULL_BODY_STATUSES.has(response.status) ? null : bytes);
    }
    const counted = countingStream(
      response.body,
      (chunk) => {
        down += chunk.byteLength;
        if (decoder && !jsonOverflow) {
          json += decoder.decode(chunk, { stream: true });
          if (json.length > MAX_JSON_CHARS) {
            jsonOverflow = true;
            json = '';
          }
        }
      },
      (error, complete) => finish(response, error, complete),
    );
    return rebuilt(response, counted);
  };
  instrumented.add(tracked);
  return tracked as typeof fetch;
}

/**
 * Replaces `globalThis.fetch` with an instrumented one, for clients that take no `fetch` of their own
 * (kubo-rpc-client, @storacha/client's uploads); URLs no preset or rule matches pass through unrecorded.
 * Returns a function that puts the previous fetch back.
 * @example
 * const restore = instrumentGlobalFetch({ presets: ['kubo'] });
 * await create({ url: 'http://127.0.0.1:5001' }).pin.add(cid); // named, counted, +size stored
 */
export function instrumentGlobalFetch(options: FetchInstrumentOptions): () => void {
  const previous = globalThis.fetch;
  if (instrumented.has(previous)) {
    throw new ValidationError(
      'INVALID_OPTION',
      'The global fetch is already instrumented by bytemeter: undo that first.',
    );
  }
  const tracked = instrumentFetch({ ...options, fetch: options.fetch ?? previous });
  globalThis.fetch = tracked;
  return () => {
    if (globalThis.fetch === tracked) globalThis.fetch = previous;
  };
}
