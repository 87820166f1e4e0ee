// The recording vocabulary of @bytemeter/tracker (contract/tracker-api.md), repeated here so the client
// never loads the tracker (and its native SQLite driver) in a browser.

export const BACKEND_TYPES = ['s3', 'ipfs', 'huggingface', 'storacha', 'filecoin', 'lassie', 'local'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

export const RESOURCE_TYPES = [
  'bandwidth_upload',
  'bandwidth_download',
  'storage_used',
  'api_calls',
  'operation_cost',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface TrackOptions {
  /** Idempotency key; default: a fresh UUIDv7, so a retried batch is never counted twice. */
  id?: string;
  operationId?: string;
  /** File path, object key or CID. */
  path?: string;
  metadata?: Record<string, unknown>;
  /** Date or ms since the epoch; default: when the call was made (not when the batch is sent). */
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
