// The one definition of bytemeter's vocabulary. Every package (tracker, client, CLI, API, web) imports these
// lists and types from here; the API builds its GraphQL enums from them (upper case there, lower case here).

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

/**
 * The price class of an API call, as S3 and R2 bill them: A for writes and listings, B for reads and the
 * rest, FREE for what the provider does not charge (deletes, aborted uploads). A call without a class is
 * priced at a plan's unclassified rate.
 */
export const ApiCallClass = {
  A: 'a',
  B: 'b',
  FREE: 'free',
} as const;
export type ApiCallClass = (typeof ApiCallClass)[keyof typeof ApiCallClass];

/** What a price plan prices, each in its own unit: GiB, GiB-months, calls, or months for the flat fee. */
export const PricedResource = {
  UPLOAD: 'upload',
  DOWNLOAD: 'download',
  STORAGE: 'storage',
  API_CALLS_CLASS_A: 'api_calls_class_a',
  API_CALLS_CLASS_B: 'api_calls_class_b',
  API_CALLS_UNCLASSIFIED: 'api_calls_unclassified',
  MONTHLY_FEE: 'monthly_fee',
} as const;
export type PricedResource = (typeof PricedResource)[keyof typeof PricedResource];

/** A calendar period in a time zone: the hour, the day from local midnight, the ISO week from Monday, the month. */
export type Period = 'hour' | 'day' | 'week' | 'month';
export type Granularity = 'minute' | Period;
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'idle';
export type ExportFormat = 'json' | 'csv' | 'ndjson';

/** The unit every amount of a resource is counted in: whole bytes, calls, or micros of a US dollar. */
export type ResourceUnit = 'bytes' | 'calls' | 'micros';
export const RESOURCE_UNITS: Readonly<Record<ResourceType, ResourceUnit>> = {
  bandwidth_upload: 'bytes',
  bandwidth_download: 'bytes',
  storage_used: 'bytes',
  api_calls: 'calls',
  operation_cost: 'micros',
};

export const BACKEND_TYPES: readonly BackendType[] = Object.values(BackendType);
export const RESOURCE_TYPES: readonly ResourceType[] = Object.values(ResourceType);
export const API_CALL_CLASSES: readonly ApiCallClass[] = Object.values(ApiCallClass);
/** In the order cost reports list them. */
export const PRICED_RESOURCES: readonly PricedResource[] = Object.values(PricedResource);
export const PERIODS: readonly Period[] = ['hour', 'day', 'week', 'month'];
export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'week', 'month'];
export const HEALTH_STATUSES: readonly HealthStatus[] = ['healthy', 'degraded', 'unhealthy', 'idle'];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'ndjson'];

/** MIME type of each export format. */
export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Bytes in a GiB, the unit transfer and storage are priced in (what S3 and R2 call a "GB"). */
export const GIB_BYTES = 2 ** 30;

// ---- the GraphQL spelling (upper case) of the same words ----

/** The GraphQL enum name of a value: `api_calls` → `API_CALLS`. */
export type GraphQLName<T extends string> = Uppercase<T>;

/**
 * The GraphQL enum value of a vocabulary word.
 * @example toGraphQLEnum('bandwidth_upload') // 'BANDWIDTH_UPLOAD'
 */
export function toGraphQLEnum<T extends string>(value: T): Uppercase<T> {
  return value.toUpperCase() as Uppercase<T>;
}

/**
 * The vocabulary word of a GraphQL enum value, or undefined when it is not one of `allowed`.
 * @example fromGraphQLEnum('API_CALLS', RESOURCE_TYPES) // 'api_calls'
 */
export function fromGraphQLEnum<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  const lower = value.toLowerCase();
  return (allowed as readonly string[]).includes(lower) ? (lower as T) : undefined;
}
