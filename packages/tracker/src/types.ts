// The vocabulary is @bytemeter/core's (one definition for every package); what follows it is the
// tracker's own: database codes and the shapes its reads return.
import {
  API_CALL_CLASSES,
  type ApiCallClass,
  type BackendType,
  type HealthStatus,
  type Period,
  type ResourceType,
} from '@bytemeter/core';

export type {
  ExportFormat,
  Granularity,
  HealthStatus,
  Period,
  TrackEvent,
  TrackOptions,
} from '@bytemeter/core';
export {
  API_CALL_CLASSES,
  BACKEND_TYPES,
  BackendType,
  EXPORT_FORMATS,
  GRANULARITIES,
  PERIODS,
  RESOURCE_TYPES,
  ResourceType,
} from '@bytemeter/core';

/** Stable small integers stored in the database for each resource type; never renumber. */
export const RESOURCE_CODE: Readonly<Record<ResourceType, number>> = {
  bandwidth_upload: 1,
  bandwidth_download: 2,
  storage_used: 3,
  api_calls: 4,
  operation_cost: 5,
};
export const RESOURCE_BY_CODE: readonly (ResourceType | undefined)[] = [
  undefined,
  'bandwidth_upload',
  'bandwidth_download',
  'storage_used',
  'api_calls',
  'operation_cost',
];

/** Stable codes of an API call's price class in `events.api_class`; never renumber. */
export const API_CALL_CLASS_CODE: Readonly<Record<ApiCallClass, number>> = { a: 1, b: 2, free: 3 };

/**
 * Rollup rows that count the API calls of one price class, beside the api_calls row that counts them all
 * (the unclassified calls are the difference). Resource codes no event has, so reads by resource type
 * never see them.
 */
export const CLASS_ROLLUP_CODE: Readonly<Record<ApiCallClass, number>> = { a: 6, b: 7, free: 8 };

/** The class rollup code of each events.api_class code: raw edges count class calls as the rollups do. */
export const CLASS_ROW_OF_EVENT: ReadonlyMap<number, number> = new Map(
  API_CALL_CLASSES.map((c) => [API_CALL_CLASS_CODE[c], CLASS_ROLLUP_CODE[c]]),
);

/** Resource codes per (backend, bucket) slot in packed cell keys: the event resources and the class rows. */
export const RESOURCE_SLOTS = 16;

export interface ResourceStats {
  totalAmount: number;
  operationCount: number;
  avgAmount: number;
  minAmount: number | null;
  maxAmount: number | null;
  formattedAmount: string;
}

export interface ResourceSummary {
  period: Period | null;
  /** ISO 8601 with the zone's offset. */
  periodStart: string;
  periodEnd: string;
  timezone: string;
  backends: Record<string, { backendType: BackendType; resources: Partial<Record<ResourceType, ResourceStats>> }>;
  totals: {
    bandwidthUpload: number;
    bandwidthDownload: number;
    storageUsed: number;
    apiCalls: number;
    operationCostMicros: number;
  };
}

export interface UsageEvent {
  /**
   * The idempotency key the event was recorded with, while the key is remembered (the dedupe window: keys
   * are stored once, in event_keys); else `bm:<n>`, the raw row's number.
   */
  id: string;
  timestamp: string;
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
  formattedAmount: string;
  operationId: string | null;
  path: string | null;
  success: boolean;
  durationMs: number | null;
  metadata: Record<string, unknown> | null;
  /** For a storage level report (`setStorageLevel`), the absolute level reported; `amount` is the change it implied. */
  reportedLevel: number | null;
}

export interface BackendStatus {
  backend: string;
  backendType: BackendType;
  isActive: boolean;
  healthStatus: HealthStatus;
  /** Why the status is what it is, e.g. "3 of 120 calls failed in the last 15 min." */
  healthReason: string;
  errorRate: number;
  /** Failures in a row, newest first, as last observed. */
  consecutiveFailures: number;
  currentBandwidthUsageMbps: number;
  currentUploadMbps: number;
  currentDownloadMbps: number;
  currentStorageUsageBytes: number;
  currentStorageUsageGb: number;
  lastOperationAt: string | null;
}

export interface SeriesPoint {
  /** Start of the bucket in the query's time zone (may precede `from` for the first bucket). */
  bucketStart: string;
  /** null when the series is not split per backend. */
  backend: string | null;
  resourceType: ResourceType;
  totalAmount: number;
  operationCount: number;
}

export interface BackendInfo {
  name: string;
  type: BackendType;
  createdAt: string;
}

export interface FlushResult {
  written: number;
  duplicates: number;
  /**
   * Events dropped since the previous flush result because `maxPendingEvents` were waiting (the disk was
   * full, or recording outran writing). They were never stored; a warning says so once per episode.
   * Present only when some were dropped.
   */
  dropped?: number;
  /**
   * A failure: this flush's own first, else the oldest of those since the previous result (an interval
   * flush's refused event, say); a StorageFullError (code STORAGE_FULL) when the disk is full. Unwritten
   * events stay pending. `errorCount` and `otherErrors` say whether there were more.
   */
  error?: Error;
  /**
   * How many flushes since the previous result failed (a full disk counts once per episode, and not at all
   * once a later flush wrote). Present only when more than one, so `error` is not the whole story.
   */
  errorCount?: number;
  /** The failures besides `error`, oldest first (at most 10 are kept). Present with `errorCount`. */
  otherErrors?: Error[];
}
