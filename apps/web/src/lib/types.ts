// The API's types as the dashboard reads them (the contract's schema.graphql; DateTime arrives as a string).

export type BackendType = 'S3' | 'IPFS' | 'HUGGINGFACE' | 'STORACHA' | 'FILECOIN' | 'LASSIE' | 'LOCAL';
export type ResourceType = 'BANDWIDTH_UPLOAD' | 'BANDWIDTH_DOWNLOAD' | 'STORAGE_USED' | 'API_CALLS' | 'OPERATION_COST';
export type Period = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
export type Granularity = 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY' | 'IDLE';
export type ExportFormat = 'JSON' | 'CSV' | 'NDJSON';

export const BACKEND_TYPES: readonly BackendType[] = [
  'S3',
  'IPFS',
  'HUGGINGFACE',
  'STORACHA',
  'FILECOIN',
  'LASSIE',
  'LOCAL',
];
export const RESOURCE_TYPES: readonly ResourceType[] = [
  'BANDWIDTH_UPLOAD',
  'BANDWIDTH_DOWNLOAD',
  'STORAGE_USED',
  'API_CALLS',
  'OPERATION_COST',
];
export const PERIODS: readonly Period[] = ['HOUR', 'DAY', 'WEEK', 'MONTH'];

export interface ResourceUsage {
  resourceType: ResourceType;
  totalAmount: number;
  operationCount: number;
  formattedAmount: string;
}

export interface UsageTotals {
  bandwidthUpload: number;
  bandwidthDownload: number;
  storageUsed: number;
  apiCalls: number;
  operationCostMicros: number;
}

export interface UsageSummary {
  period: Period | null;
  periodStart: string;
  periodEnd: string;
  timezone: string;
  backends: { name: string; type: BackendType; resources: ResourceUsage[] }[];
  totals: UsageTotals;
}

export interface BackendStatus {
  backend: string;
  backendType: BackendType;
  isActive: boolean;
  healthStatus: HealthStatus;
  errorRate: number;
  currentBandwidthUsageMbps: number;
  currentUploadMbps: number;
  currentDownloadMbps: number;
  currentStorageUsageBytes: number;
  lastOperationAt: string | null;
}

export interface UsageEvent {
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
}

export interface UsageEventConnection {
  nodes: UsageEvent[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface SeriesPoint {
  bucketStart: string;
  backend: string | null;
  resourceType: ResourceType;
  totalAmount: number;
  operationCount: number;
}
