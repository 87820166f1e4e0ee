import type { ResourceTracker } from '../../src/index.js';
import type { RefEvent } from './reference-model.js';

/**
 * Records a reference event through the public method for its resource type, so every recording path is
 * exercised; `via` picks the generic `trackResourceUsage` instead.
 */
export function recordRef(tracker: ResourceTracker, e: RefEvent, via: 'method' | 'generic' = 'method'): void {
  const opts = { timestamp: e.ts, success: e.success };
  if (via === 'generic') {
    tracker.trackResourceUsage({
      backend: e.backend,
      backendType: e.backendType,
      resourceType: e.resourceType,
      amount: e.amount,
      ...opts,
    });
    return;
  }
  switch (e.resourceType) {
    case 'bandwidth_upload':
      tracker.trackBandwidthUpload(e.backend, e.backendType, e.amount, opts);
      break;
    case 'bandwidth_download':
      tracker.trackBandwidthDownload(e.backend, e.backendType, e.amount, opts);
      break;
    case 'storage_used':
      tracker.trackStorageUsage(e.backend, e.backendType, e.amount, opts);
      break;
    case 'api_calls':
      if (e.amount !== 1) throw new Error('an API call event has amount 1');
      tracker.trackApiCall(e.backend, e.backendType, opts);
      break;
    case 'operation_cost':
      // Cents with up to four decimals: micros / 10,000.
      tracker.trackCost(e.backend, e.backendType, e.amount / 10_000, opts);
      break;
  }
}
