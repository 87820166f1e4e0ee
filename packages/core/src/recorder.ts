import { BytemeterError } from './errors.js';
import type { TrackEvent, TrackOptions } from './event-rules.js';
import type { BackendType } from './vocabulary.js';

/**
 * The recording methods every bytemeter tracker has: the local SQLite `ResourceTracker` and the client's
 * `RemoteTracker` both implement it, so instrumentation records into either. Recording is synchronous and
 * validates at once (a ValidationError means nothing was recorded); delivery happens on `flush()`.
 */
export interface UsageRecorder {
  trackBandwidthUpload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void;
  trackBandwidthDownload(backend: string, type: BackendType, bytes: number, opts?: TrackOptions): void;
  /** A signed change of stored bytes: a put adds, a delete subtracts. */
  trackStorageUsage(backend: string, type: BackendType, deltaBytes: number, opts?: TrackOptions): void;
  /** The absolute level the backend itself reports; `id` makes a resend a duplicate, as for any event. */
  setStorageLevel(
    backend: string,
    type: BackendType,
    bytes: number,
    opts?: Pick<TrackOptions, 'timestamp' | 'id'>,
  ): void;
  trackApiCall(backend: string, type: BackendType, opts?: TrackOptions): void;
  /** Money in cents (fractions down to a micro-dollar). */
  trackCost(backend: string, type: BackendType, cents: number, opts?: TrackOptions): void;
  trackResourceUsage(event: TrackEvent): void;
  /** Writes or sends what is buffered; never rejects (a failure is returned as `error`). */
  flush(): Promise<{ written: number; duplicates: number; error?: Error }>;
}

let chosen: UsageRecorder | undefined;
let provider: (() => UsageRecorder) | undefined;

/**
 * Makes `recorder` the one instrumentation records into when no `tracker` option is given (undefined
 * goes back to the provided default).
 * @example setDefaultRecorder(createRemoteTracker({ url, token }))
 */
export function setDefaultRecorder(recorder: UsageRecorder | undefined): void {
  chosen = recorder;
}

/**
 * Registers how to get the default recorder, resolved lazily at the first recording. `@bytemeter/tracker`
 * registers its process-wide local tracker this way, so importing it opens no database by itself.
 */
export function provideDefaultRecorder(provide: () => UsageRecorder): void {
  provider = provide;
}

/** The recorder set with setDefaultRecorder, else the provided one (the local tracker), else an error. */
export function getDefaultRecorder(): UsageRecorder {
  if (chosen) return chosen;
  if (provider) return provider();
  throw new BytemeterError(
    'NO_DEFAULT_RECORDER',
    'No recorder to record into: pass `tracker` (e.g. createRemoteTracker({ url, token }) from @bytemeter/client), call setDefaultRecorder(), or import @bytemeter/tracker for the local SQLite tracker.',
  );
}
