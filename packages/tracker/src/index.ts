// The package's public face: what contract/tracker-api.md promises, plus formatting and schema helpers.

export { migrateToLatest } from './db/migrate.js';
export type { Database } from './db/schema.js';
export {
  closeResourceTracker,
  getResourceTracker,
  trackApiCall,
  trackBandwidthDownload,
  trackBandwidthUpload,
  trackStorageUsage,
} from './default-tracker.js';
export {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  StorageLevelError,
  TrackerClosedError,
  ValidationError,
} from './errors.js';
export { formatAmount, formatBytes, formatCount, formatDollars } from './format/format.js';
export { byteLengthOf, downloadBytesOf, uploadBytesOf } from './instrument/byte-length.js';
export {
  AmountInferenceError,
  type Wrapper,
  type WrapperKind,
  type WrapperOptions,
} from './instrument/make-wrapper.js';
export type { InstrumentErrorHandler } from './instrument/observe-call.js';
export { type OperationOptions, type OperationScope, startOperation } from './instrument/operation-scope.js';
export { trackOperation } from './instrument/track-operation.js';
export { trackApi, trackDownload, trackStorage, trackUpload } from './instrument/track-wrappers.js';
export { EXPORT_CONTENT_TYPES, type ExportQuery } from './query/export-usage.js';
export type { BackendTotals } from './query/get-backend-totals.js';
export type {
  BandwidthDelta,
  BandwidthFeedQuery,
  EventFeedPage,
  EventFeedQuery,
  FeedCursor,
} from './query/get-event-feed.js';
export type { SummaryQuery } from './query/get-resource-summary.js';
export type { UsagePage, UsageQuery } from './query/get-resource-usage.js';
export type { SeriesQuery } from './query/get-time-series.js';
export { DEFAULT_HEALTH, type HealthThresholds } from './query/health.js';
export {
  type BatchEvent,
  type BatchResult,
  MAX_BATCH_EVENTS,
  type RejectedEvent,
} from './record/ingest-batch.js';
export { assertTimeZone, toIsoInZone } from './time/zone.js';
export { API_SCOPES, type ApiScope, type ApiToken, hasScope, parseScopes } from './tokens/api-token.js';
export { openTokenStore, type TokenStore } from './tokens/token-store.js';
export { defaultDatabasePath, openResourceTracker, ResourceTracker, type TrackerOptions } from './tracker.js';
export type {
  BackendInfo,
  BackendStatus,
  ExportFormat,
  FlushResult,
  Granularity,
  HealthStatus,
  Period,
  ResourceStats,
  ResourceSummary,
  SeriesPoint,
  TrackEvent,
  TrackOptions,
  UsageEvent,
} from './types.js';
export {
  BACKEND_TYPES,
  BackendType,
  EXPORT_FORMATS,
  GRANULARITIES,
  PERIODS,
  RESOURCE_TYPES,
  ResourceType,
} from './types.js';
