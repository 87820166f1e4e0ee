import { builder } from '../builder.js';

// GraphQL names are upper case; values are the tracker's lower-case strings, so resolvers pass them through.

export const BackendTypeEnum = builder.enumType('BackendType', {
  values: {
    S3: { value: 's3' },
    IPFS: { value: 'ipfs' },
    HUGGINGFACE: { value: 'huggingface' },
    STORACHA: { value: 'storacha' },
    FILECOIN: { value: 'filecoin' },
    LASSIE: { value: 'lassie' },
    LOCAL: { value: 'local' },
  } as const,
});

export const ResourceTypeEnum = builder.enumType('ResourceType', {
  values: {
    BANDWIDTH_UPLOAD: { value: 'bandwidth_upload', description: 'Bytes sent to a backend.' },
    BANDWIDTH_DOWNLOAD: { value: 'bandwidth_download', description: 'Bytes received from a backend.' },
    STORAGE_USED: {
      value: 'storage_used',
      description: "Signed change of bytes held on a backend; its running sum is the backend's storage level.",
    },
    API_CALLS: { value: 'api_calls', description: "Calls made to a backend's API." },
    OPERATION_COST: { value: 'operation_cost', description: 'Money spent, in micros.' },
  } as const,
});

export const PeriodEnum = builder.enumType('Period', {
  description:
    "A calendar period in the query's time zone: the hour, the day from local midnight, the ISO week from Monday, the calendar month.",
  values: {
    HOUR: { value: 'hour' },
    DAY: { value: 'day' },
    WEEK: { value: 'week' },
    MONTH: { value: 'month' },
  } as const,
});

export const GranularityEnum = builder.enumType('Granularity', {
  values: {
    MINUTE: { value: 'minute' },
    HOUR: { value: 'hour' },
    DAY: { value: 'day' },
    WEEK: { value: 'week' },
    MONTH: { value: 'month' },
  } as const,
});

export const HealthStatusEnum = builder.enumType('HealthStatus', {
  values: {
    HEALTHY: {
      value: 'healthy',
      description: 'Operations in the health window, error rate under the degraded threshold.',
    },
    DEGRADED: {
      value: 'degraded',
      description: 'Error rate at or over the degraded threshold, or another documented warning sign.',
    },
    UNHEALTHY: {
      value: 'unhealthy',
      description: 'Error rate at or over the unhealthy threshold, or too many failures in a row.',
    },
    IDLE: { value: 'idle', description: 'No operation in the health window.' },
  } as const,
});

export const ExportFormatEnum = builder.enumType('ExportFormat', {
  values: {
    JSON: { value: 'json' },
    CSV: { value: 'csv' },
    NDJSON: { value: 'ndjson' },
  } as const,
});
