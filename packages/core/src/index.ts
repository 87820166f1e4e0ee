// @bytemeter/core: the vocabulary, event rules, errors, formatters and the UsageRecorder seam that every
// other package shares. No runtime dependencies; runs in Node and browsers. Instrumentation lives under the
// subpaths ./instrument, ./s3, ./fetch and ./fs; the exact pricing engine under ./pricing.

export {
  BUDGET_METRIC_UNIT,
  type BudgetLevel,
  budgetLevel,
  formatBudgetAmount,
  parseBudgetLimit,
  parseThresholds,
} from './budget-limit.js';
export { parseByteSize } from './byte-size.js';
export { escapeControlChars } from './control-chars.js';
export {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  isStorageFull,
  StorageFullError,
  StorageLevelError,
  TotalLimitError,
  TrackerClosedError,
  ValidationError,
} from './errors.js';
export {
  assertAmount,
  assertBackendName,
  assertBackendType,
  assertResourceType,
  type CheckedEvent,
  centsToMicros,
  checkEvent,
  describe,
  hasUnsafeCharacters,
  MAX_DURATION_MS,
  MAX_FUTURE_MS,
  MAX_ID_LENGTH,
  MAX_METADATA_CHARS,
  MAX_NAME_LENGTH,
  MAX_PATH_LENGTH,
  MIN_TIMESTAMP,
  type TrackEvent,
  type TrackOptions,
  toTimestamp,
} from './event-rules.js';
export { formatAmount, formatBytes, formatCalls, formatCount, formatDollars, formatMbps, mbpsOf } from './format.js';
export { getDefaultRecorder, provideDefaultRecorder, setDefaultRecorder, type UsageRecorder } from './recorder.js';
export { parseRfc3339, type Rfc3339Options } from './rfc3339.js';
export { assertTimeZone } from './time-zone.js';
export {
  API_CALL_CLASSES,
  ApiCallClass,
  BACKEND_TYPES,
  BackendType,
  DAY_MS,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  fromGraphQLEnum,
  GIB_BYTES,
  GRANULARITIES,
  type Granularity,
  type GraphQLName,
  HEALTH_STATUSES,
  type HealthStatus,
  HOUR_MS,
  MINUTE_MS,
  PERIODS,
  type Period,
  PRICED_RESOURCES,
  PricedResource,
  RESOURCE_TYPES,
  RESOURCE_UNITS,
  ResourceType,
  type ResourceUnit,
  SECOND_MS,
  toGraphQLEnum,
} from './vocabulary.js';
export { fixedOffsetMs, wallClockAt } from './zone-wall.js';
