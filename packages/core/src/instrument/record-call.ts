import type { UsageRecorder } from '../recorder.js';
import type { ApiCallClass, BackendType } from '../vocabulary.js';
import { type InstrumentErrorHandler, safely } from './observe-call.js';
import { newOperationId } from './operation-id.js';

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
  /** The id every event of the call carries; default a fresh one (see newOperationId). */
  operationId?: string;
  /** The call's price class (S3/R2 class A, B or free); absent or null: unclassified. */
  apiClass?: ApiCallClass | null;
}

/**
 * The recording step every adapter ends a call with: bytes first, then storage changes, and the outcome
 * last, so a health rule reading "failures in a row" ends on this call's outcome. Each storage change is
 * recorded on its own, so one refused (a delete below zero) reaches `onError` and the rest still land.
 * Every event of the call carries one `operationId`, so the dashboard groups them into one operation.
 * The bytes events stay `success: true` even when the call failed (they record what did move); the
 * operation's outcome is its API call's. Marking them failed would count each failed call two or three
 * times in the tracker's "failures in a row", which counts events (see the README's health rules).
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
  const operationId = call.operationId ?? newOperationId();
  if (call.up > 0)
    safely(() => tracker.trackBandwidthUpload(backend, type, call.up, { path, durationMs, operationId }), onError);
  if (call.down > 0)
    safely(() => tracker.trackBandwidthDownload(backend, type, call.down, { path, durationMs, operationId }), onError);
  for (const change of call.storage ?? []) {
    if (change.bytes === 0) continue;
    safely(
      () =>
        tracker.trackStorageUsage(backend, type, change.bytes, { path: change.path ?? path, durationMs, operationId }),
      onError,
    );
  }
  const apiClass = call.apiClass ?? undefined;
  safely(
    () =>
      tracker.trackApiCall(backend, type, {
        path,
        durationMs,
        operationId,
        success: call.success,
        metadata: call.metadata,
        ...(apiClass ? { apiClass } : {}),
      }),
    onError,
  );
}
