import type { BackendType, ResourceType, TrackEvent, TrackOptions, UsageRecorder } from '@bytemeter/core';
import {
  type BytemeterClient,
  createBytemeterClient,
  type TrackUsagePayload,
  type UsageEventInput,
} from '../create-client.js';
import type { TrackUsageMutation } from '../documents/mutations.js';
import {
  BytemeterClientError,
  ClientValidationError,
  EventsDroppedError,
  GraphQLRequestError,
  HttpError,
  RemoteTrackerClosedError,
} from '../errors.js';
import type { ResultOf } from '../graphql/graphql.js';
import { clientConnections } from '../transport/connection.js';
import { postGraphQL } from '../transport/execute.js';
import { trackUsageBody, trackUsageOverhead } from '../transport/track-usage-body.js';
import { eventJson, jsonString } from './event-json.js';
import { centsToMicros, checkClientEvent } from './to-event-input.js';
import { uuidv7 } from './uuid-v7.js';

/** The server's per-call cap on trackUsage (MAX_BATCH_EVENTS in the tracker). */
const SERVER_MAX_BATCH = 1000;

export interface RemoteTrackerOptions {
  /** The API, e.g. http://127.0.0.1:4000; or pass `client`. */
  url?: string;
  /** A token with the `ingest` scope. */
  token?: string;
  fetch?: typeof fetch;
  /** An existing client to send through (its url, token and fetch are used). */
  client?: BytemeterClient;
  /** How long an event may wait before its batch is sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Events per trackUsage call, 1 to 1000. Default 500; a batch also stops near `maxBatchBytes`. */
  batchSize?: number;
  /** Request body size a batch stays under. Default 512 KiB (the API refuses bodies over 1 MiB). */
  maxBatchBytes?: number;
  /**
   * Most events held in memory while the server is slow or down, or while a burst is recorded faster than
   * it can be sent (recording never waits). Default 10,000. When full, new events
   * are dropped (the oldest stay, so stored levels and order stay consistent) and counted in
   * `stats().dropped`, and `onError` hears one EventsDroppedError per overflow episode.
   */
  maxBufferedEvents?: number;
  /** First retry delay after a failure; doubles per failure up to `maxRetryDelayMs`, with jitter. Default 250 ms. */
  initialRetryDelayMs?: number;
  /** Default 30,000 ms. */
  maxRetryDelayMs?: number;
  /** Time limit per request. Default 10,000 ms; a request cut off is retried like any network error. */
  requestTimeoutMs?: number;
  /** Hears every failure: retried ones (NetworkError, HttpError, GraphQLRequestError) and drops. Default: none. */
  onError?: (error: BytemeterClientError) => void;
  /** Injected clock (ms since the epoch) for time stamps and ids. */
  clock?: () => number;
}

/** What a flush or close achieved. */
export interface RemoteFlushResult {
  /** Events the server stored during this call. */
  written: number;
  /** Events the server already had (a retry of a batch whose answer was lost). */
  duplicates: number;
  /** Events still buffered (not yet acknowledged) when the call returned. */
  pending: number;
  /** Why events are still pending, if they are. */
  error?: Error;
}

/** Counters since the tracker was created. */
export interface RemoteTrackerStats {
  buffered: number;
  written: number;
  duplicates: number;
  dropped: number;
  retries: number;
}

/** A storage level report, sent on its own through setStorageLevel. */
interface LevelItem {
  id: string;
  backend: string;
  backendType: string;
  bytes: number;
  at: string;
}

/** An event is its UsageEventInput as JSON text (tracker/event-json.ts); a level report is an object. */
type Item = string | LevelItem;

/** What the tracker knows of a backend it has recorded: its fixed type, and its name as a JSON string. */
interface KnownBackend {
  type: BackendType;
  json: string;
}

/**
 * Records usage from another process or machine with the in-process tracker's methods, and sends it to
 * the API's `trackUsage` in batches. Every event gets a UUIDv7 id and its time stamp when recorded, so a
 * batch resent after a lost answer is counted once. Network errors, 5xx and 429 are retried with
 * exponential backoff; events wait in a bounded buffer meanwhile (see `maxBufferedEvents`).
 * Timers do not keep the process alive: call `close()` before exiting to send what is buffered.
 */
export class RemoteTracker implements UsageRecorder {
  private readonly client: BytemeterClient;
  private readonly ownsClient: boolean;
  private readonly clock: () => number;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly maxBuffered: number;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly onError: (error: BytemeterClientError) => void;
  private queue: Item[] = [];
  private readonly backends = new Map<string, KnownBackend>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** The delay the pending timer was set with. */
  private timerDelay = Number.POSITIVE_INFINITY;
  private draining: Promise<Error | undefined> | undefined;
  private failures = 0;
  private retryAt = 0;
  private overflowing = false;
  private closed = false;
  /** Lowered after a 413 so a batch fits the server's body limit. */
  private sizeCap: number;
  private readonly counters = { written: 0, duplicates: 0, dropped: 0, retries: 0 };

  constructor(options: RemoteTrackerOptions) {
    if (!options.client && !options.url) {
      throw new ClientValidationError(
        'url',
        'createRemoteTracker needs `url` (e.g. http://127.0.0.1:4000) or `client`.',
      );
    }
    this.ownsClient = !options.client;
    this.client =
      options.client ??
      createBytemeterClient({
        url: options.url as string,
        ...(options.token !== undefined ? { token: options.token } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        timeoutMs: options.requestTimeoutMs ?? 10_000,
      });
    this.clock = options.clock ?? Date.now;
    this.flushIntervalMs = positive(options.flushIntervalMs ?? 1000, 'flushIntervalMs');
    this.batchSize = Math.min(SERVER_MAX_BATCH, positive(options.batchSize ?? 500, 'batchSize'));
    this.maxBatchBytes = positive(options.maxBatchBytes ?? 512 * 1024, 'maxBatchBytes');
    this.maxBuffered = positive(options.maxBufferedEvents ?? 10_000, 'maxBufferedEvents');
    this.initialDelay = positive(options.initialRetryDelayMs ?? 250, 'initialRetryDelayMs');
    this.maxDelay = positive(options.maxRetryDelayMs ?? 30_000, 'maxRetryDelayMs');
    this.onError = options.onError ?? (() => {});
    this.sizeCap = this.batchSize;
  }

  // ---- recording: synchronous, validated at once, never waits for the network ----

  trackBandwidthUpload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void {
    this.record(backend, type, 'bandwidth_upload', bytes, opts);
  }

  trackBandwidthDownload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void {
    this.record(backend, type, 'bandwidth_download', bytes, opts);
  }

  /** A signed change of stored bytes: a put adds, a delete subtracts. */
  trackStorageUsage(backend: string, type: BackendType, deltaBytes: number, opts?: TrackOptions): void {
    this.record(backend, type, 'storage_used', deltaBytes, opts);
  }

  /**
   * The absolute level the backend reports, sent in order with the events through `setStorageLevel`, with
   * an id (`opts.id`, else a UUIDv7 made now) so a report resent after a lost answer is not stored twice.
   */
  setStorageLevel(
    backend: string,
    type: BackendType,
    bytes: number,
    opts?: Pick<TrackOptions, 'timestamp' | 'id'>,
  ): void {
    const now = this.clock();
    const level = checkClientEvent(backend, type, 'storage_used', bytes, opts, now, true);
    this.known(backend, type);
    this.enqueue({
      id: level.key ?? uuidv7(now),
      backend,
      backendType: type.toUpperCase(),
      bytes,
      at: new Date(level.ts).toISOString(),
    });
  }

  trackApiCall(backend: string, type: BackendType, opts?: TrackOptions): void {
    this.record(backend, type, 'api_calls', 1, opts);
  }

  /** Money in cents (fractions down to a micro-dollar); sent as micros. */
  trackCost(backend: string, type: BackendType, cents: number, opts?: TrackOptions): void {
    this.record(backend, type, 'operation_cost', centsToMicros(cents), opts);
  }

  trackResourceUsage(event: TrackEvent): void {
    if (event === null || typeof event !== 'object')
      throw new ClientValidationError('event', 'An event object is required.');
    this.record(event.backend, event.backendType, event.resourceType, event.amount, event);
  }

  /** Events recorded and not yet acknowledged by the server. */
  get pendingCount(): number {
    return this.queue.length;
  }

  stats(): RemoteTrackerStats {
    return { buffered: this.queue.length, ...this.counters };
  }

  /**
   * Sends everything buffered now, without waiting for a pending retry delay. Never rejects: a failure
   * leaves the events buffered (retried later) and is returned as `error`.
   */
  async flush(): Promise<RemoteFlushResult> {
    const before = { ...this.counters };
    let error: Error | undefined;
    if (this.draining) error = await this.draining;
    if (this.queue.length > 0) error = await this.startDrain();
    return {
      written: this.counters.written - before.written,
      duplicates: this.counters.duplicates - before.duplicates,
      pending: this.queue.length,
      ...(this.queue.length > 0 && error ? { error } : {}),
    };
  }

  /**
   * Stops recording and sends what is buffered, retrying with backoff for up to `timeoutMs` (default
   * 10,000). Whatever is still pending then is given up and reported in `pending`.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<RemoteFlushResult> {
    const before = { ...this.counters };
    this.closed = true;
    const deadline = this.clockNow() + (options.timeoutMs ?? 10_000);
    let error: Error | undefined;
    if (this.draining) error = await this.draining;
    while (this.queue.length > 0) {
      error = await this.startDrain();
      if (this.queue.length === 0) break;
      const wait = Math.min(Math.max(0, this.retryAt - this.clockNow()), deadline - this.clockNow());
      if (wait <= 0 && this.clockNow() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 1)));
    }
    this.clearTimer();
    const pending = this.queue.length;
    if (pending > 0) {
      this.counters.dropped += pending;
      this.queue = [];
    }
    if (this.ownsClient) await this.client.close();
    return {
      written: this.counters.written - before.written,
      duplicates: this.counters.duplicates - before.duplicates,
      pending,
      ...(pending > 0 && error ? { error } : {}),
    };
  }

  private clockNow(): number {
    // Delays are real time even when the event clock is injected.
    return Date.now();
  }

  private record(backend: string, type: BackendType, resource: ResourceType, amount: number, opts?: TrackOptions) {
    if (this.closed) throw new RemoteTrackerClosedError();
    const now = this.clock();
    // Core's rules, so a bad call throws here, on the caller's stack, instead of poisoning a batch later.
    const e = checkClientEvent(backend, type, resource, amount, opts, now);
    const known = this.known(backend, type);
    this.enqueue(eventJson(e, e.key ?? uuidv7(now), known.json));
  }

  /** A backend's type is fixed when first seen; a clash in this process is refused at once, like the tracker. */
  private known(backend: string, type: BackendType): KnownBackend {
    let known = this.backends.get(backend);
    if (known === undefined) {
      known = { type, json: jsonString(backend) };
      this.backends.set(backend, known);
    } else if (known.type !== type) {
      throw new ClientValidationError(
        'backendType',
        `Backend "${backend}" is of type "${known.type}", not "${type}": a backend's type is fixed when it is first seen; use another name.`,
        'BACKEND_TYPE_CONFLICT',
      );
    }
    return known;
  }

  private enqueue(item: Item) {
    if (this.closed) throw new RemoteTrackerClosedError();
    if (this.queue.length >= this.maxBuffered) {
      this.counters.dropped += 1;
      if (!this.overflowing) {
        this.overflowing = true;
        this.onError(
          new EventsDroppedError(
            'BUFFER_FULL',
            1,
            `The remote tracker holds ${this.maxBuffered} unsent events (the server is unreachable or slow); new events are dropped until it catches up.`,
          ),
        );
      }
      return;
    }
    this.queue.push(item);
    const delay = this.queue.length >= this.batchSize ? 0 : this.flushIntervalMs;
    // A timer set earlier with no longer a delay fires no later than this one would: no clock reading
    // per recorded event.
    if (this.timer !== undefined && this.timerDelay <= delay) return;
    this.schedule(delay);
  }

  private schedule(delayMs: number) {
    const at = this.clockNow() + delayMs;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timerDelay = delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      if (this.draining || this.queue.length === 0) return;
      if (this.clockNow() < this.retryAt) {
        this.schedule(this.retryAt - this.clockNow());
        return;
      }
      void this.startDrain();
    }, delayMs);
    // Recording must not keep a process alive; close() is how buffered events leave at exit.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private clearTimer() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private startDrain(): Promise<Error | undefined> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Sends batches until the buffer is empty or a send fails (then a retry is scheduled). */
  private async drain(): Promise<Error | undefined> {
    while (this.queue.length > 0) {
      try {
        await this.sendNext();
        this.failures = 0;
        this.retryAt = 0;
        if (this.queue.length < this.maxBuffered) this.overflowing = false;
      } catch (error) {
        const clientError = error instanceof BytemeterClientError ? error : undefined;
        this.onError(clientError ?? new EventsDroppedError('GRAPHQL', 0, String(error), { cause: error }));
        this.failures += 1;
        this.counters.retries += 1;
        const delay = Math.min(this.maxDelay, this.initialDelay * 2 ** (this.failures - 1));
        // Equal jitter: many clients that lost one server do not all come back in the same instant.
        this.retryAt = this.clockNow() + delay / 2 + Math.random() * (delay / 2);
        if (!this.closed) this.schedule(this.retryAt - this.clockNow());
        return error as Error;
      }
    }
    this.sizeCap = this.batchSize;
    return undefined;
  }

  /** Sends the head of the queue: one level report, or a run of events. Throws only what is worth retrying. */
  private async sendNext(): Promise<void> {
    const head = this.queue[0]!;
    if (typeof head !== 'string') {
      try {
        await this.client.setStorageLevel({
          id: head.id,
          backend: head.backend,
          backendType: head.backendType as never,
          bytes: head.bytes,
          at: head.at,
        });
      } catch (error) {
        if (!this.dropIfRefused(error, 1)) throw error;
        return;
      }
      this.queue.shift();
      this.counters.written += 1;
      return;
    }
    let count = 0;
    // Exact: the events' texts are ASCII, one byte a character, joined by commas.
    let size = trackUsageOverhead();
    while (count < this.sizeCap && count < this.queue.length) {
      const item = this.queue[count]!;
      if (typeof item !== 'string' || (count > 0 && size + item.length + 1 > this.maxBatchBytes)) break;
      size += item.length + 1;
      count += 1;
    }
    let payload: TrackUsagePayload;
    try {
      payload = await this.postEvents(count);
    } catch (error) {
      // The API answers an oversize body with 413 and a GraphQL error body; either way, send smaller batches.
      const status = error instanceof HttpError || error instanceof GraphQLRequestError ? error.status : 0;
      if (status === 413 && count > 1) {
        this.sizeCap = Math.max(1, Math.floor(count / 2));
        return;
      }
      if (!this.dropIfRefused(error, count)) throw error;
      return;
    }
    if (payload.rejected.length > 0) {
      // A refused batch stored nothing: drop the events the server named and send the rest again.
      const bad = new Set(payload.rejected.map((r) => r.index));
      this.queue = [...this.queue.slice(0, count).filter((_, i) => !bad.has(i)), ...this.queue.slice(count)];
      this.counters.dropped += bad.size;
      this.onError(
        new EventsDroppedError(
          'GRAPHQL',
          bad.size,
          `The API refused ${bad.size} event(s): ${payload.rejected
            .slice(0, 3)
            .map((r) => `#${r.index} ${r.code}: ${r.message}`)
            .join('; ')}`,
        ),
      );
      return;
    }
    this.queue.splice(0, count);
    this.counters.written += payload.accepted;
    this.counters.duplicates += payload.duplicates;
  }

  /** Sends the first `count` buffered events (all events) in one trackUsage call. */
  private async postEvents(count: number): Promise<TrackUsagePayload> {
    const connection = clientConnections.get(this.client);
    if (connection) {
      const data = (await postGraphQL(connection, trackUsageBody(this.queue, count))) as ResultOf<
        typeof TrackUsageMutation
      >;
      return data.trackUsage;
    }
    // A client made another way (a wrapper, a test double): through its own trackUsage, events as objects.
    const events = this.queue.slice(0, count).map((json) => JSON.parse(json as string) as UsageEventInput);
    return this.client.trackUsage(events);
  }

  /**
   * A request the server refused for its content (BAD_USER_INPUT, or a 4xx other than auth) will be refused
   * again: drop it and report. Auth errors and anything retryable are kept for a retry.
   */
  private dropIfRefused(error: unknown, count: number): boolean {
    const refused =
      (error instanceof GraphQLRequestError && error.graphqlCode === 'BAD_USER_INPUT') ||
      (error instanceof HttpError && !error.retryable && error.status !== 401 && error.status !== 403);
    if (!refused) return false;
    this.queue.splice(0, count);
    this.counters.dropped += count;
    this.onError(
      new EventsDroppedError((error as BytemeterClientError).code as 'GRAPHQL', count, (error as Error).message, {
        cause: error,
      }),
    );
    return true;
  }
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ClientValidationError(name, `${name} must be a positive number; got ${String(value)}.`);
  }
  return value;
}

/**
 * A tracker with the in-process tracker's recording methods that sends batches to a bytemeter API.
 * @example
 * const tracker = createRemoteTracker({ url: 'http://127.0.0.1:4000', token: process.env.BYTEMETER_TOKEN })
 * tracker.trackBandwidthUpload('photos', 's3', 5 * 1024 * 1024, { path: 'cats/1.jpg' })
 * await tracker.close() // sends what is buffered
 */
export function createRemoteTracker(options: RemoteTrackerOptions): RemoteTracker {
  return new RemoteTracker(options);
}
