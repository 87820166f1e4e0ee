import type { PricePlanTemplateView, ResourceTracker } from '@bytemeter/tracker';

/**
 * What the read commands (and `plan`) need, in the tracker's shapes. A local ResourceTracker is one as it
 * is; the remote reader answers the same calls through @bytemeter/client, so every command prints the same
 * numbers whichever side answers.
 */
export type UsageReader = Pick<
  ResourceTracker,
  | 'getResourceSummary'
  | 'getResourceUsage'
  | 'getBackendStatus'
  | 'exportUsage'
  | 'getCosts'
  | 'getPricePlans'
  | 'setPricePlan'
  | 'deletePricePlan'
> & {
  /** Synchronous on a local tracker (core's list), a request to a server. */
  getPricePlanTemplates(): PricePlanTemplateView[] | Promise<PricePlanTemplateView[]>;
};

/** What `bytemeter track` needs: the recording methods, and a close that sends or writes what is pending. */
export interface UsageWriter
  extends Pick<
    ResourceTracker,
    | 'trackBandwidthUpload'
    | 'trackBandwidthDownload'
    | 'trackStorageUsage'
    | 'setStorageLevel'
    | 'trackApiCall'
    | 'trackCost'
  > {
  /**
   * Resolves once every recorded event is stored; rejects when some could not be. `id`: the idempotency
   * key the event was recorded with, for a message that tells how to record it again safely.
   */
  commit(id: string | undefined): Promise<void>;
}
