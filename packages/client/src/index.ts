// The package's public face: the client, the remote tracker, typed documents and errors.

// The vocabulary and recording types are @bytemeter/core's; re-exported so a client user needs one import.
export {
  API_CALL_CLASSES,
  ApiCallClass,
  BACKEND_TYPES,
  BackendType,
  RESOURCE_TYPES,
  ResourceType,
  type TrackEvent,
  type TrackOptions,
  type UsageRecorder,
  ValidationError,
} from '@bytemeter/core';
export {
  type Backend,
  type BackendStatus,
  type BandwidthSample,
  type Budget,
  type BudgetAlert,
  type BudgetAlertRecord,
  type BudgetInput,
  type BytemeterClient,
  type BytemeterClientOptions,
  type CostReport,
  type CostsVariables,
  createBytemeterClient,
  type ExportDocument,
  type PricePlan,
  type PricePlanInput,
  type PricePlanTemplate,
  type RotatedBudgetSecret,
  type SeriesPoint,
  type SetBudgetResult,
  type SubscribeOptions,
  type TimeSeriesVariables,
  type TrackUsagePayload,
  type UsageEvent,
  type UsageEventInput,
  type UsagePage,
  type UsageSummary,
  type UsageSummaryVariables,
  type UsageVariables,
} from './create-client.js';
export {
  BudgetAlertFields,
  BudgetAlertRaisedSubscription,
  BudgetAlertsQuery,
  BudgetFields,
  BudgetsQuery,
  DeleteBudgetMutation,
  RotateBudgetWebhookSecretMutation,
  SetBudgetMutation,
} from './documents/budgets.js';
export { BackendStatusFields, UsageEventFields } from './documents/fragments.js';
export { SetStorageLevelMutation, TrackUsageMutation } from './documents/mutations.js';
export {
  CostsQuery,
  DeletePricePlanMutation,
  PriceFields,
  PricePlanFields,
  PricePlansQuery,
  PricePlanTemplatesQuery,
  SetPricePlanMutation,
} from './documents/pricing.js';
export {
  BackendQuery,
  BackendStatusQuery,
  BackendsQuery,
  ExportQuery,
  TimeSeriesQuery,
  UsageQuery,
  UsageSummaryQuery,
} from './documents/queries.js';
export {
  BackendStatusChangedSubscription,
  LiveBandwidthSubscription,
  UsageEventsSubscription,
} from './documents/subscriptions.js';
export {
  BytemeterClientError,
  type ClientErrorCode,
  ClientValidationError,
  EventsDroppedError,
  type GraphQLErrorItem,
  GraphQLRequestError,
  HttpError,
  NetworkError,
  RemoteTrackerClosedError,
} from './errors.js';
export { graphql, type ResultOf, type VariablesOf } from './graphql/graphql.js';
export {
  createRemoteTracker,
  type RemoteFlushResult,
  RemoteTracker,
  type RemoteTrackerOptions,
  type RemoteTrackerStats,
} from './tracker/remote-tracker.js';
export { centsToMicros } from './tracker/to-event-input.js';
export { uuidv7 } from './tracker/uuid-v7.js';
export type { ExportOptions, ExportStream } from './transport/export-stream.js';
export type { LiveFeed, SubscriptionTransport } from './transport/subscriptions.js';
