import { mbpsOf } from '@bytemeter/core';
import type { FeedCursor, ResourceTracker } from '@bytemeter/tracker';
import type { TickSource } from './shared-ticker.js';

/** One liveBandwidth sample: the backend's model for the BandwidthSample type. */
export interface BandwidthSample {
  timestamp: Date;
  backend: string | null;
  uploadBytes: number;
  downloadBytes: number;
  uploadMbps: number;
  downloadMbps: number;
  totalMbps: number;
}

/**
 * Bytes that landed in the database since the last tick (from any process), as a sample. Reading the
 * database rather than in-process events is what lets a status widget see another application's writes.
 */
export function bandwidthSource(
  tracker: ResourceTracker,
  backend: string | null,
  intervalMs: number,
): TickSource<FeedCursor, BandwidthSample> {
  const only = backend ? { backend } : {};
  return {
    intervalMs,
    init: async () => (await tracker.getBandwidthFeed(only)).cursor,
    tick: async (after, elapsedMs) => {
      const d = await tracker.getBandwidthFeed({ after, ...only });
      const uploadMbps = mbpsOf(d.uploadBytes, elapsedMs);
      const downloadMbps = mbpsOf(d.downloadBytes, elapsedMs);
      return {
        state: d.cursor,
        value: {
          timestamp: new Date(),
          backend,
          uploadBytes: d.uploadBytes,
          downloadBytes: d.downloadBytes,
          uploadMbps,
          downloadMbps,
          totalMbps: uploadMbps + downloadMbps,
        },
      };
    },
  };
}
