import type { UsageRecorder } from '../recorder.js';
import type { BackendType } from '../vocabulary.js';
import { type InstrumentErrorHandler, safely } from './observe-call.js';

/** A signed change of stored bytes one call caused, on the path (key, CID, repo file) it concerns. */
export interface StorageChange {
  bytes: number;
  path?: string;
}

/** What one finished call of an adapter moved and how it ended. */
export interface CallOutcome {
  /** The key, CID or file the call worked on. */
  path?: string;
  durationMs: number;
  /** Request body bytes (every attempt's). */
  up: number;
  /** Response body bytes. */
  down: number;
  /** Storage the call added (positive) or removed (negative); zero changes are skipped. */
  storage?: readonly StorageChange[];
  success: boolean;
  /** Recorded with the API call: the operation's name, status, error name, … */
  metadata: Record<string, unknown>;
}

/**
 * The recording step every adapter ends a call with: bytes first, then storage changes, and the outcome
 * last, so a health rule reading "failures in a row" ends on this call's outcome. Each storage change is
 * recorded on its own, so one refused (a delete below zero) reaches `onError` and the rest still land.
 * @example recordCall(tracker, 'photos', 's3', { path: 'a.jpg', durationMs: 12, up: 10, down: 0, success: true, metadata: { command: 'PutObject' } }, warnOnce)
 */
export function recordCall(
  tracker: UsageRecorder,
  backend: string,
  type: BackendType,
  call: CallOutcome,
  onError: InstrumentErrorHandler,
): void {
  const { path, durationMs } = call;
  if (call.up > 0) safely(() => tracker.trackBandwidthUpload(backend, type, call.up, { path, durationMs }), onError);
  if (call.down > 0)
    safely(() => tracker.trackBandwidthDownload(backend, type, call.down, { path, durationMs }), onError);
  for (const change of call.storage ?? []) {
    if (change.bytes === 0) continue;
    safely(
      () => tracker.trackStorageUsage(backend, type, change.bytes, { path: change.path ?? path, durationMs }),
      onError,
    );
  }
  safely(
    () => tracker.trackApiCall(backend, type, { path, durationMs, success: call.success, metadata: call.metadata }),
    onError,
  );
}
