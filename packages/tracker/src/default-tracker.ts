import { provideDefaultRecorder } from '@bytemeter/core';
import { openResourceTracker, type ResourceTracker } from './tracker.js';
import type { BackendType } from './types.js';

let defaultTracker: ResourceTracker | null = null;

/**
 * The process-wide tracker on the default database ($BYTEMETER_DB, else ~/.bytemeter/tracker.db), opened
 * on first use and flushed when the process exits.
 * @example getResourceTracker().trackApiCall('ipfs', 'ipfs')
 */
export function getResourceTracker(): ResourceTracker {
  defaultTracker ??= openResourceTracker();
  return defaultTracker;
}

// Instrumentation (in @bytemeter/core) records here when given no `tracker`: loading this package is
// enough, and the database is still opened only at the first recording.
provideDefaultRecorder(getResourceTracker);

/** Closes the process-wide tracker (the next getResourceTracker() opens a new one). */
export async function closeResourceTracker(): Promise<void> {
  const tracker = defaultTracker;
  defaultTracker = null;
  await tracker?.close();
}

/** Seed-compatible: records bytes sent to a backend on the default tracker. */
export function trackBandwidthUpload(
  backend: string,
  type: BackendType,
  bytes: number,
  operationId?: string,
  path?: string,
): void {
  getResourceTracker().trackBandwidthUpload(backend, type, bytes, { operationId, path });
}

/** Seed-compatible: records bytes received from a backend on the default tracker. */
export function trackBandwidthDownload(
  backend: string,
  type: BackendType,
  bytes: number,
  operationId?: string,
  path?: string,
): void {
  getResourceTracker().trackBandwidthDownload(backend, type, bytes, { operationId, path });
}

/** Seed-compatible: records a signed change of stored bytes on the default tracker. */
export function trackStorageUsage(
  backend: string,
  type: BackendType,
  bytes: number,
  operationId?: string,
  path?: string,
): void {
  getResourceTracker().trackStorageUsage(backend, type, bytes, { operationId, path });
}

/** Seed-compatible: records one API call on the default tracker. */
export function trackApiCall(
  backend: string,
  type: BackendType,
  operationId?: string,
  metadata?: Record<string, unknown>,
): void {
  getResourceTracker().trackApiCall(backend, type, { operationId, metadata });
}

export { getDefaultRecorder, setDefaultRecorder, type UsageRecorder } from '@bytemeter/core';
