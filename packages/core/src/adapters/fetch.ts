// `fetch` for HTTP storage backends (IPFS RPC and gateways, Hugging Face Hub, Storacha, Pinata, Lassie):
// request and response bodies are counted as they stream, never buffered.

import { ValidationError } from '../errors.js';
import { assertBackendName, assertBackendType } from '../event-rules.js';
import { byteLengthOf } from '../instrument/byte-length.js';
import { type InstrumentErrorHandler, safely, warnOnce } from '../instrument/observe-call.js';
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
  /** Tried in order; the first match wins. A URL no rule matches is fetched without recording. */
  rules: readonly FetchRule[];
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

/** A pass-through that counts the bytes of each chunk as the consumer pulls it (no read-ahead). */
function countingStream(
  source: ReadableStream<Uint8Array>,
  onChunk: (bytes: number) => void,
  onEnd: (error?: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (error) {
          onEnd(error);
          controller.error(error);
          return;
        }
        if (step.done) {
          onEnd();
          controller.close();
          return;
        }
        onChunk(step.value.byteLength);
        controller.enqueue(step.value);
      },
      cancel(reason) {
        onEnd();
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

/**
 * Wraps `fetch` so requests to the backends the rules name are recorded: one API call per request
 * (success is a 2xx/3xx status with a body read to its end; latency until the body ended), the request
 * body bytes (known sizes at once, streams as they are sent) and the response body bytes as the caller
 * reads them. A response is recorded when its body is read to the end, cancelled or fails, so read or
 * cancel every body (as undici asks anyway). An aborted request is a failed call with the bytes moved so far.
 * @example
 * const trackedFetch = instrumentFetch({ rules: [
 *   { match: 'huggingface.co', backend: 'hf-hub', type: 'huggingface' },
 *   { match: 'http://127.0.0.1:5001/api/v0/', backend: 'kubo', type: 'ipfs' },
 * ] });
 * const res = await trackedFetch('https://huggingface.co/gpt2/resolve/main/config.json');
 */
export function instrumentFetch(options: FetchInstrumentOptions): typeof fetch {
  if (!options || !Array.isArray(options.rules)) {
    throw new ValidationError('INVALID_OPTION', 'instrumentFetch needs { rules: [{ match, backend, type }, …] }.');
  }
  for (const rule of options.rules) {
    assertBackendName(rule.backend);
    assertBackendType(rule.type);
    const m = rule.match;
    if (typeof m !== 'string' && typeof m !== 'function' && !(m instanceof RegExp)) {
      throw new ValidationError('INVALID_OPTION', 'A fetch rule `match` is a string, a RegExp or a function.');
    }
  }
  const rules = [...options.rules];
  const base = options.fetch ?? globalThis.fetch;
  const onError = options.onError ?? warnOnce;

  const tracked = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    const rule = rules.find((r) => matches(r, url));
    if (!rule) return base(input, init);
    const { backend, type } = rule;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const startedAt = performance.now();
    let up = 0;
    let down = 0;
    let known: number | undefined;
    let sendInput: string | URL | Request = input;
    let sendInit = init;
    const countUp = (n: number) => {
      up += n;
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
        const iterable = countingIterable(body as AsyncIterable<unknown>, countUp);
        sendInit = { ...init, body: iterable as unknown as RequestInit['body'], duplex: 'half' } as RequestInit;
      }
    } else if (request?.body) {
      const streamed = countingStream(request.body, countUp, () => {});
      sendInput = new Request(request, { body: streamed, duplex: 'half' } as RequestInit);
    }

    let ended = false;
    const finish = (response: Response | null, error?: unknown) => {
      if (ended) return;
      ended = true;
      safely(() => {
        const tracker = options.tracker ?? getDefaultRecorder();
        const durationMs = performance.now() - startedAt;
        const path = url.pathname;
        const sent = known ?? up;
        // Bytes first and the outcome last, so "failures in a row" ends on this request's outcome.
        if (sent > 0) tracker.trackBandwidthUpload(backend, type, sent, { path, durationMs });
        if (down > 0) tracker.trackBandwidthDownload(backend, type, down, { path, durationMs });
        const success = error === undefined && response !== null && response.status < 400;
        const metadata: Record<string, unknown> = { method, status: response?.status ?? null };
        if (error !== undefined) metadata.error = error instanceof Error ? error.name : typeof error;
        tracker.trackApiCall(backend, type, { path, durationMs, success, metadata });
      }, onError);
    };

    let response: Response;
    try {
      response = await base(sendInput, sendInit);
    } catch (error) {
      finish(null, error);
      throw error;
    }
    if (response.body === null) {
      finish(response);
      return response;
    }
    const counted = countingStream(
      response.body,
      (n) => {
        down += n;
      },
      (error) => finish(response, error),
    );
    const wrapped = new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // A constructed Response has no url/redirected/type of its own; keep the real ones.
    Object.defineProperties(wrapped, {
      url: { value: response.url },
      redirected: { value: response.redirected },
      type: { value: response.type },
    });
    return wrapped;
  };
  return tracked as typeof fetch;
}
