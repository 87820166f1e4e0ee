/** The kinds of storage backend bytemeter knows. A backend's type is fixed when its name is first seen. */
export const BackendType = {
  S3: 's3',
  IPFS: 'ipfs',
  HUGGINGFACE: 'huggingface',
  STORACHA: 'storacha',
  FILECOIN: 'filecoin',
  LASSIE: 'lassie',
  LOCAL: 'local',
} as const;
export type BackendType = (typeof BackendType)[keyof typeof BackendType];

/** What an event measures; each has one integer unit (bytes, calls, micros of a dollar). */
export const ResourceType = {
  BANDWIDTH_UPLOAD: 'bandwidth_upload',
  BANDWIDTH_DOWNLOAD: 'bandwidth_download',
  STORAGE_USED: 'storage_used',
  API_CALLS: 'api_calls',
  OPERATION_COST: 'operation_cost',
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

/** A calendar period in a time zone: the hour, the day from local midnight, the ISO week from Monday, the month. */
export type Period = 'hour' | 'day' | 'week' | 'month';
export const PERIODS: readonly Period[] = ['hour', 'day', 'week', 'month'];

export type Granularity = 'minute' | Period;
export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'week', 'month'];

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'idle';

export type ExportFormat = 'json' | 'csv' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'ndjson'];

export const BACKEND_TYPES: readonly BackendType[] = Object.values(BackendType);
export const RESOURCE_TYPES: readonly ResourceType[] = Object.values(ResourceType);

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

export interface TrackOptions {
  /** Idempotency key; time-ordered ids (ULID / UUIDv7) are the fast path. */
  id?: string;
  operationId?: string;
  /** File path, object key or CID. */
  path?: string;
  metadata?: Record<string, unknown>;
  /** Date or ms since the epoch; default now. */
  timestamp?: Date | number;
  /** Default true. */
  success?: boolean;
  durationMs?: number;
}

export interface TrackEvent extends TrackOptions {
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
}

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
  /** The idempotency key the event was recorded with, else a stable id of the form `bm:<n>`. */
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
  error?: Error;
}
