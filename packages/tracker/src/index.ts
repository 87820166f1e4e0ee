// The package's public face: what contract/tracker-api.md promises, plus formatting and schema helpers.

export { escapeControlChars, parseRfc3339, type Rfc3339Options } from '@bytemeter/core';
export {
  ALERT_KINDS,
  type AlertKind,
  BUDGET_METRICS,
  type BudgetAlert,
  type BudgetAlertWebhookBody,
  type BudgetInput,
  type BudgetMetric,
  type BudgetState,
  DEFAULT_THRESHOLDS,
  REARM_HYSTERESIS_PERCENT,
  type WebhookAttempt,
} from '@bytemeter/core/budgets';
// Instrumentation lives in @bytemeter/core (it records into any UsageRecorder, local or remote); it is
// re-exported so existing imports from @bytemeter/tracker keep working, with this package's local tracker
// as the default recorder (registered by default-tracker.ts).
export {
  AmountInferenceError,
  byteLengthOf,
  downloadBytesOf,
  type InstrumentErrorHandler,
  type OperationOptions,
  type OperationScope,
  startOperation,
  trackApi,
  trackDownload,
  trackOperation,
  trackStorage,
  trackUpload,
  uploadBytesOf,
  type Wrapper,
  type WrapperKind,
  type WrapperOptions,
} from '@bytemeter/core/instrument';
export type {
  BudgetAlertListener,
  BudgetAlertQuery,
  RotatedWebhookSecret,
  RotateSecretOptions,
  SetBudgetResult,
} from './budgets/tracker-budgets.js';
export type { ResolvedAddress, WebhookLookup } from './budgets/webhook-address.js';
export { CopyError, type CopyErrorCode } from './copy/copy-error.js';
export { type CopyProgress, type CopyResult, type CopyStoreOptions, copyStore } from './copy/copy-store.js';
export { migrateToLatest } from './db/migrate.js';
export { isPostgresUrl } from './db/open-postgres.js';
export type { Database } from './db/schema.js';
export {
  closeResourceTracker,
  getDefaultRecorder,
  getResourceTracker,
  setDefaultRecorder,
  trackApiCall,
  trackBandwidthDownload,
  trackBandwidthUpload,
  trackStorageUsage,
  type UsageRecorder,
} from './default-tracker.js';
export * from './errors.js';
export { formatAmount, formatBytes, formatCalls, formatCount, formatDollars, formatMbps } from './format/format.js';
export type { PricePlanTemplateView, StoredPricePlan } from './pricing/plan-store.js';
export type { EventMatch } from './query/event-match.js';
export { EXPORT_CONTENT_TYPES, type ExportQuery } from './query/export-usage.js';
export type { BackendTotals } from './query/get-backend-totals.js';
export type { BackendCost, CostQuery, CostReport, ResourceCost } from './query/get-costs.js';
export type {
  BandwidthDelta,
  BandwidthFeedQuery,
  EventFeedPage,
  EventFeedQuery,
  FeedCursor,
} from './query/get-event-feed.js';
export type { SummaryQuery } from './query/get-resource-summary.js';
export type { ResourceTotals, UsagePage, UsageQuery } from './query/get-resource-usage.js';
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
export { DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from './tracker/options.js';
export type { WriteState } from './tracker/write-buffer.js';
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
