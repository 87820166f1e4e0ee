import {
  API_CALL_CLASSES,
  type ApiCallClass,
  BACKEND_TYPES,
  EXPORT_FORMATS,
  GRANULARITIES,
  HEALTH_STATUSES,
  type HealthStatus,
  PERIODS,
  RESOURCE_TYPES,
  type ResourceType,
  toGraphQLEnum,
} from '@bytemeter/core';
import { builder } from '../builder.js';

// Every enum is built from @bytemeter/core's lists, so the schema cannot drift from what the tracker and the
// client accept. GraphQL names are upper case; values are core's lower-case words, so resolvers pass them through.

type EnumValues<T extends string> = { [K in T as Uppercase<K>]: { value: K; description?: string } };

/** `['api_calls']` → `{ API_CALLS: { value: 'api_calls' } }`, with an optional description per value. */
export function enumValues<T extends string>(
  list: readonly T[],
  descriptions: Partial<Record<T, string>> = {},
): EnumValues<T> {
  const values: Record<string, { value: T; description?: string }> = {};
  for (const value of list) {
    const description = descriptions[value];
    values[toGraphQLEnum(value)] = description === undefined ? { value } : { value, description };
  }
  return values as EnumValues<T>;
}

export const BackendTypeEnum = builder.enumType('BackendType', { values: enumValues(BACKEND_TYPES) });

const RESOURCE_DESCRIPTIONS: Record<ResourceType, string> = {
  bandwidth_upload: 'Bytes sent to a backend.',
  bandwidth_download: 'Bytes received from a backend.',
  storage_used: "Signed change of bytes held on a backend; its running sum is the backend's storage level.",
  api_calls: "Calls made to a backend's API.",
  operation_cost: 'Money spent, in micros.',
};

export const ResourceTypeEnum = builder.enumType('ResourceType', {
  values: enumValues(RESOURCE_TYPES, RESOURCE_DESCRIPTIONS),
});

export const PeriodEnum = builder.enumType('Period', {
  description:
    "A calendar period in the query's time zone: the hour, the day from local midnight, the ISO week from Monday, the calendar month.",
  values: enumValues(PERIODS),
});

export const GranularityEnum = builder.enumType('Granularity', { values: enumValues(GRANULARITIES) });

const HEALTH_DESCRIPTIONS: Record<HealthStatus, string> = {
  healthy: 'Operations in the health window, error rate under the degraded threshold.',
  degraded: 'Error rate at or over the degraded threshold, or another documented warning sign.',
  unhealthy: 'Error rate at or over the unhealthy threshold, or too many failures in a row.',
  idle: 'No operation in the health window.',
};

export const HealthStatusEnum = builder.enumType('HealthStatus', {
  values: enumValues(HEALTH_STATUSES, HEALTH_DESCRIPTIONS),
});

export const ExportFormatEnum = builder.enumType('ExportFormat', { values: enumValues(EXPORT_FORMATS) });

export const ApiCallClassEnum = builder.enumType('ApiCallClass', {
  description: 'The price class of an API call, as S3 and R2 bill them.',
  values: enumValues<ApiCallClass>(API_CALL_CLASSES, {
    a: "Writes and listings: PUT, COPY, POST, LIST, multipart create/upload/complete (S3 and R2 'Class A').",
    b: "Reads and the rest: GET, HEAD, SELECT (S3 and R2 'Class B').",
    free: 'Calls the provider does not charge for: DELETE, abort multipart.',
  }),
});
