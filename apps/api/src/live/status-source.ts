import type { BackendStatus, ResourceTracker } from '@bytemeter/tracker';
import type { TickSource } from './shared-ticker.js';

/** How often the shared backendStatusChanged poller reads every backend's status. */
export const STATUS_POLL_MS = 1000;

type Signatures = Map<string, string>;

/** What counts as a change: health, activity or storage level (bandwidth moves every second and does not). */
const signature = (s: BackendStatus) => `${s.healthStatus}|${s.isActive}|${s.currentStorageUsageBytes}`;

/** Statuses that changed since the last poll; one poller per process serves every subscriber. */
export function statusSource(tracker: ResourceTracker): TickSource<Signatures, BackendStatus[]> {
  const snapshot = async () => {
    const all = await tracker.getBackendStatus();
    return { all, sigs: new Map(Object.values(all).map((s) => [s.backend, signature(s)])) };
  };
  return {
    intervalMs: STATUS_POLL_MS,
    init: async () => (await snapshot()).sigs,
    tick: async (previous) => {
      const { all, sigs } = await snapshot();
      const changed = Object.values(all).filter((s) => previous.get(s.backend) !== sigs.get(s.backend));
      return { state: sigs, value: changed.length > 0 ? changed : undefined };
    },
  };
}
