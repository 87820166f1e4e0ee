/* eslint-disable */
/* prettier-ignore */

/** An IntrospectionQuery representation of your schema.
 *
 * @remarks
 * This is an introspection of your schema saved as a file by GraphQLSP.
 * You may import it to create a `graphql()` tag function with `gql.tada`
 * by importing it and passing it to `initGraphQLTada<>()`.
 *
 * @example
 * ```
 * import { initGraphQLTada } from 'gql.tada';
 * import type { introspection } from './introspection';
 *
 * export const graphql = initGraphQLTada<{
 *   introspection: typeof introspection;
 *   scalars: {
 *     DateTime: string;
 *     Json: any;
 *   };
 * }>();
 * ```
 */
const introspection = {
  __schema: {
    queryType: {
      name: 'Query',
    },
    mutationType: {
      name: 'Mutation',
    },
    subscriptionType: {
      name: 'Subscription',
    },
    types: [
      {
        kind: 'ENUM',
        name: 'AlertKind',
        enumValues: [
          {
            name: 'ACTUAL',
            isDeprecated: false,
          },
          {
            name: 'FORECAST',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'ENUM',
        name: 'ApiCallClass',
        enumValues: [
          {
            name: 'A',
            isDeprecated: false,
          },
          {
            name: 'B',
            isDeprecated: false,
          },
          {
            name: 'FREE',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'Backend',
        fields: [
          {
            name: 'createdAt',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'name',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'status',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'BackendStatus',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'type',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'BackendCost',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'backendType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'computedCostMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'hasPlan',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'reportedCostMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resources',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'ResourceCost',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'BackendStatus',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'backendType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'consecutiveFailures',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'currentBandwidthUsageMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'currentDownloadMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'currentStorageUsageBytes',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'currentStorageUsageGb',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'currentUploadMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'errorRate',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'healthReason',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'healthStatus',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'HealthStatus',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'isActive',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'lastOperationAt',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'ENUM',
        name: 'BackendType',
        enumValues: [
          {
            name: 'S3',
            isDeprecated: false,
          },
          {
            name: 'IPFS',
            isDeprecated: false,
          },
          {
            name: 'HUGGINGFACE',
            isDeprecated: false,
          },
          {
            name: 'STORACHA',
            isDeprecated: false,
          },
          {
            name: 'FILECOIN',
            isDeprecated: false,
          },
          {
            name: 'LASSIE',
            isDeprecated: false,
          },
          {
            name: 'LOCAL',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'BackendUsage',
        fields: [
          {
            name: 'name',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resources',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'ResourceUsage',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'type',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'BandwidthSample',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'downloadBytes',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'downloadMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timestamp',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totalMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'uploadBytes',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'uploadMbps',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'SCALAR',
        name: 'Boolean',
      },
      {
        kind: 'OBJECT',
        name: 'Budget',
        fields: [
          {
            name: 'alertOnForecast',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'backend',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'current',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'forecast',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'id',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'ID',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'limit',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'metric',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BudgetMetric',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'name',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'percentUsed',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'projectedFullAt',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'thresholds',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'Int',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timezone',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'webhookSecret',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'webhookUrl',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'BudgetAlert',
        fields: [
          {
            name: 'budgetId',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'ID',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'budgetName',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'id',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'ID',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'kind',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'AlertKind',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'limit',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'periodStart',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'raisedAt',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'threshold',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'value',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'webhookAttempts',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'WebhookAttempt',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'BudgetInput',
        inputFields: [
          {
            name: 'id',
            type: {
              kind: 'SCALAR',
              name: 'ID',
            },
          },
          {
            name: 'name',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
          },
          {
            name: 'backend',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
          },
          {
            name: 'metric',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BudgetMetric',
              },
            },
          },
          {
            name: 'limit',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
          },
          {
            name: 'timezone',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            defaultValue: '"UTC"',
          },
          {
            name: 'thresholds',
            type: {
              kind: 'LIST',
              ofType: {
                kind: 'NON_NULL',
                ofType: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
              },
            },
            defaultValue: '[50, 80, 100]',
          },
          {
            name: 'alertOnForecast',
            type: {
              kind: 'SCALAR',
              name: 'Boolean',
            },
            defaultValue: 'true',
          },
          {
            name: 'webhookUrl',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'ENUM',
        name: 'BudgetMetric',
        enumValues: [
          {
            name: 'COST',
            isDeprecated: false,
          },
          {
            name: 'BANDWIDTH_UPLOAD',
            isDeprecated: false,
          },
          {
            name: 'BANDWIDTH_DOWNLOAD',
            isDeprecated: false,
          },
          {
            name: 'API_CALLS',
            isDeprecated: false,
          },
          {
            name: 'STORAGE_LEVEL',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'CostForecast',
        fields: [
          {
            name: 'method',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'monthEndMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'CostReport',
        fields: [
          {
            name: 'backends',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'BackendCost',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'computedTotalMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'forecast',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'CostForecast',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'period',
            type: {
              kind: 'ENUM',
              name: 'Period',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'periodEnd',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'periodStart',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'reportedTotalMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timezone',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'SCALAR',
        name: 'DateTime',
      },
      {
        kind: 'ENUM',
        name: 'ExportFormat',
        enumValues: [
          {
            name: 'JSON',
            isDeprecated: false,
          },
          {
            name: 'CSV',
            isDeprecated: false,
          },
          {
            name: 'NDJSON',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'ExportResult',
        fields: [
          {
            name: 'content',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'contentType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'eventCount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'filename',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'format',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'ExportFormat',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'SCALAR',
        name: 'Float',
      },
      {
        kind: 'ENUM',
        name: 'Granularity',
        enumValues: [
          {
            name: 'MINUTE',
            isDeprecated: false,
          },
          {
            name: 'HOUR',
            isDeprecated: false,
          },
          {
            name: 'DAY',
            isDeprecated: false,
          },
          {
            name: 'WEEK',
            isDeprecated: false,
          },
          {
            name: 'MONTH',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'ENUM',
        name: 'HealthStatus',
        enumValues: [
          {
            name: 'HEALTHY',
            isDeprecated: false,
          },
          {
            name: 'DEGRADED',
            isDeprecated: false,
          },
          {
            name: 'UNHEALTHY',
            isDeprecated: false,
          },
          {
            name: 'IDLE',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'SCALAR',
        name: 'ID',
      },
      {
        kind: 'SCALAR',
        name: 'Int',
      },
      {
        kind: 'SCALAR',
        name: 'JSON',
      },
      {
        kind: 'OBJECT',
        name: 'Mutation',
        fields: [
          {
            name: 'deleteBudget',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [
              {
                name: 'id',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'ID',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'deletePricePlan',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'String',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'rotateBudgetWebhookSecret',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'Budget',
              },
            },
            args: [
              {
                name: 'id',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'ID',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'setBudget',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'Budget',
              },
            },
            args: [
              {
                name: 'budget',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'INPUT_OBJECT',
                    name: 'BudgetInput',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'setPricePlan',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'PricePlan',
              },
            },
            args: [
              {
                name: 'plan',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'INPUT_OBJECT',
                    name: 'PricePlanInput',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'setStorageLevel',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'BackendStatus',
              },
            },
            args: [
              {
                name: 'at',
                type: {
                  kind: 'SCALAR',
                  name: 'DateTime',
                },
              },
              {
                name: 'backend',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'String',
                  },
                },
              },
              {
                name: 'backendType',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'ENUM',
                    name: 'BackendType',
                  },
                },
              },
              {
                name: 'bytes',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'SafeInt',
                  },
                },
              },
              {
                name: 'id',
                type: {
                  kind: 'SCALAR',
                  name: 'ID',
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'trackUsage',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'TrackUsagePayload',
              },
            },
            args: [
              {
                name: 'events',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'LIST',
                    ofType: {
                      kind: 'NON_NULL',
                      ofType: {
                        kind: 'INPUT_OBJECT',
                        name: 'UsageEventInput',
                      },
                    },
                  },
                },
              },
            ],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'PageInfo',
        fields: [
          {
            name: 'endCursor',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'hasNextPage',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'hasPreviousPage',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'startCursor',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'ENUM',
        name: 'Period',
        enumValues: [
          {
            name: 'HOUR',
            isDeprecated: false,
          },
          {
            name: 'DAY',
            isDeprecated: false,
          },
          {
            name: 'WEEK',
            isDeprecated: false,
          },
          {
            name: 'MONTH',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'PricePlan',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'effectiveFrom',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'prices',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'ResourcePrice',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'template',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timezone',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'updatedAt',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'PricePlanInput',
        inputFields: [
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
          },
          {
            name: 'timezone',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            defaultValue: '"UTC"',
          },
          {
            name: 'template',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
          },
          {
            name: 'prices',
            type: {
              kind: 'LIST',
              ofType: {
                kind: 'NON_NULL',
                ofType: {
                  kind: 'INPUT_OBJECT',
                  name: 'ResourcePriceInput',
                },
              },
            },
            defaultValue: '[]',
          },
          {
            name: 'effectiveFrom',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'OBJECT',
        name: 'PricePlanTemplate',
        fields: [
          {
            name: 'description',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'name',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'prices',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'ResourcePrice',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'source',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'PriceTier',
        fields: [
          {
            name: 'pricePerUnit',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'upTo',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'PriceTierInput',
        inputFields: [
          {
            name: 'upTo',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
          },
          {
            name: 'pricePerUnit',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'ENUM',
        name: 'PricedResource',
        enumValues: [
          {
            name: 'UPLOAD',
            isDeprecated: false,
          },
          {
            name: 'DOWNLOAD',
            isDeprecated: false,
          },
          {
            name: 'STORAGE',
            isDeprecated: false,
          },
          {
            name: 'API_CALLS_CLASS_A',
            isDeprecated: false,
          },
          {
            name: 'API_CALLS_CLASS_B',
            isDeprecated: false,
          },
          {
            name: 'API_CALLS_UNCLASSIFIED',
            isDeprecated: false,
          },
          {
            name: 'MONTHLY_FEE',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'Query',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'OBJECT',
              name: 'Backend',
            },
            args: [
              {
                name: 'name',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'SCALAR',
                    name: 'String',
                  },
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'backendStatus',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'BackendStatus',
                  },
                },
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'backends',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'Backend',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'budgetAlerts',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'BudgetAlert',
                  },
                },
              },
            },
            args: [
              {
                name: 'first',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
                defaultValue: '50',
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'budgets',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'Budget',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'costs',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'CostReport',
              },
            },
            args: [
              {
                name: 'at',
                type: {
                  kind: 'SCALAR',
                  name: 'DateTime',
                },
              },
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'period',
                type: {
                  kind: 'ENUM',
                  name: 'Period',
                },
                defaultValue: 'MONTH',
              },
              {
                name: 'range',
                type: {
                  kind: 'INPUT_OBJECT',
                  name: 'TimeRange',
                },
              },
              {
                name: 'timezone',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
                defaultValue: '"UTC"',
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'export',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'ExportResult',
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'backendType',
                type: {
                  kind: 'ENUM',
                  name: 'BackendType',
                },
              },
              {
                name: 'format',
                type: {
                  kind: 'ENUM',
                  name: 'ExportFormat',
                },
                defaultValue: 'JSON',
              },
              {
                name: 'hoursBack',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
                defaultValue: '168',
              },
              {
                name: 'pathPrefix',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'range',
                type: {
                  kind: 'INPUT_OBJECT',
                  name: 'TimeRange',
                },
              },
              {
                name: 'resourceType',
                type: {
                  kind: 'ENUM',
                  name: 'ResourceType',
                },
              },
              {
                name: 'success',
                type: {
                  kind: 'SCALAR',
                  name: 'Boolean',
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'pricePlanTemplates',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'PricePlanTemplate',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'pricePlans',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'PricePlan',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timeSeries',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'SeriesPoint',
                  },
                },
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'backendType',
                type: {
                  kind: 'ENUM',
                  name: 'BackendType',
                },
              },
              {
                name: 'granularity',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'ENUM',
                    name: 'Granularity',
                  },
                },
              },
              {
                name: 'range',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'INPUT_OBJECT',
                    name: 'TimeRange',
                  },
                },
              },
              {
                name: 'resourceType',
                type: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'ENUM',
                    name: 'ResourceType',
                  },
                },
              },
              {
                name: 'timezone',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
                defaultValue: '"UTC"',
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'usage',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'UsageEventConnection',
              },
            },
            args: [
              {
                name: 'after',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'backendType',
                type: {
                  kind: 'ENUM',
                  name: 'BackendType',
                },
              },
              {
                name: 'before',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'first',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
                defaultValue: '100',
              },
              {
                name: 'hoursBack',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
                defaultValue: '24',
              },
              {
                name: 'last',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
              },
              {
                name: 'pathPrefix',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'range',
                type: {
                  kind: 'INPUT_OBJECT',
                  name: 'TimeRange',
                },
              },
              {
                name: 'resourceType',
                type: {
                  kind: 'ENUM',
                  name: 'ResourceType',
                },
              },
              {
                name: 'success',
                type: {
                  kind: 'SCALAR',
                  name: 'Boolean',
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'usageSummary',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'UsageSummary',
              },
            },
            args: [
              {
                name: 'at',
                type: {
                  kind: 'SCALAR',
                  name: 'DateTime',
                },
              },
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'backendType',
                type: {
                  kind: 'ENUM',
                  name: 'BackendType',
                },
              },
              {
                name: 'period',
                type: {
                  kind: 'ENUM',
                  name: 'Period',
                },
                defaultValue: 'DAY',
              },
              {
                name: 'range',
                type: {
                  kind: 'INPUT_OBJECT',
                  name: 'TimeRange',
                },
              },
              {
                name: 'timezone',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
                defaultValue: '"UTC"',
              },
            ],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'RejectedEvent',
        fields: [
          {
            name: 'code',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'index',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'message',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'ResourceCost',
        fields: [
          {
            name: 'costMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resource',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'PricedResource',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'units',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'ResourcePrice',
        fields: [
          {
            name: 'resource',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'PricedResource',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'tiers',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'PriceTier',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'ResourcePriceInput',
        inputFields: [
          {
            name: 'resource',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'PricedResource',
              },
            },
          },
          {
            name: 'tiers',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'INPUT_OBJECT',
                    name: 'PriceTierInput',
                  },
                },
              },
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'ENUM',
        name: 'ResourceType',
        enumValues: [
          {
            name: 'BANDWIDTH_UPLOAD',
            isDeprecated: false,
          },
          {
            name: 'BANDWIDTH_DOWNLOAD',
            isDeprecated: false,
          },
          {
            name: 'STORAGE_USED',
            isDeprecated: false,
          },
          {
            name: 'API_CALLS',
            isDeprecated: false,
          },
          {
            name: 'OPERATION_COST',
            isDeprecated: false,
          },
        ],
      },
      {
        kind: 'OBJECT',
        name: 'ResourceUsage',
        fields: [
          {
            name: 'avgAmount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Float',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'formattedAmount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'maxAmount',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'minAmount',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'operationCount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resourceType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'ResourceType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totalAmount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'SCALAR',
        name: 'SafeInt',
      },
      {
        kind: 'OBJECT',
        name: 'SeriesPoint',
        fields: [
          {
            name: 'backend',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'bucketStart',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'operationCount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resourceType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'ResourceType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totalAmount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'SCALAR',
        name: 'String',
      },
      {
        kind: 'OBJECT',
        name: 'Subscription',
        fields: [
          {
            name: 'backendStatusChanged',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'BackendStatus',
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'budgetAlertRaised',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'BudgetAlert',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'liveBandwidth',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'BandwidthSample',
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'intervalMs',
                type: {
                  kind: 'SCALAR',
                  name: 'Int',
                },
                defaultValue: '1000',
              },
            ],
            isDeprecated: false,
          },
          {
            name: 'usageEvents',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'UsageEvent',
              },
            },
            args: [
              {
                name: 'backend',
                type: {
                  kind: 'SCALAR',
                  name: 'String',
                },
              },
              {
                name: 'resourceType',
                type: {
                  kind: 'ENUM',
                  name: 'ResourceType',
                },
              },
            ],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'TimeRange',
        inputFields: [
          {
            name: 'from',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
          },
          {
            name: 'to',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'OBJECT',
        name: 'TrackUsagePayload',
        fields: [
          {
            name: 'accepted',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'duplicates',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'rejected',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'RejectedEvent',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'UsageEvent',
        fields: [
          {
            name: 'amount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'backendType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'durationMs',
            type: {
              kind: 'SCALAR',
              name: 'Int',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'formattedAmount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'id',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'ID',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'metadata',
            type: {
              kind: 'SCALAR',
              name: 'JSON',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'operationId',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'path',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'reportedLevel',
            type: {
              kind: 'SCALAR',
              name: 'SafeInt',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'resourceType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'ResourceType',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'success',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timestamp',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'UsageEventConnection',
        fields: [
          {
            name: 'nodes',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'UsageEvent',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'pageInfo',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'PageInfo',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totalCount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totals',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'ResourceUsage',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'INPUT_OBJECT',
        name: 'UsageEventInput',
        inputFields: [
          {
            name: 'id',
            type: {
              kind: 'SCALAR',
              name: 'ID',
            },
          },
          {
            name: 'timestamp',
            type: {
              kind: 'SCALAR',
              name: 'DateTime',
            },
          },
          {
            name: 'backend',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
          },
          {
            name: 'backendType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'BackendType',
              },
            },
          },
          {
            name: 'resourceType',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'ENUM',
                name: 'ResourceType',
              },
            },
          },
          {
            name: 'amount',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
          },
          {
            name: 'operationId',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
          },
          {
            name: 'path',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
          },
          {
            name: 'success',
            type: {
              kind: 'SCALAR',
              name: 'Boolean',
            },
            defaultValue: 'true',
          },
          {
            name: 'durationMs',
            type: {
              kind: 'SCALAR',
              name: 'Int',
            },
          },
          {
            name: 'metadata',
            type: {
              kind: 'SCALAR',
              name: 'JSON',
            },
          },
          {
            name: 'apiClass',
            type: {
              kind: 'ENUM',
              name: 'ApiCallClass',
            },
          },
        ],
        isOneOf: false,
      },
      {
        kind: 'OBJECT',
        name: 'UsageSummary',
        fields: [
          {
            name: 'backends',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'LIST',
                ofType: {
                  kind: 'NON_NULL',
                  ofType: {
                    kind: 'OBJECT',
                    name: 'BackendUsage',
                  },
                },
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'period',
            type: {
              kind: 'ENUM',
              name: 'Period',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'periodEnd',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'periodStart',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'timezone',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'String',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'totals',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'OBJECT',
                name: 'UsageTotals',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'UsageTotals',
        fields: [
          {
            name: 'apiCalls',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'bandwidthDownload',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'bandwidthUpload',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'operationCostMicros',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'storageUsed',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'SafeInt',
              },
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
      {
        kind: 'OBJECT',
        name: 'WebhookAttempt',
        fields: [
          {
            name: 'at',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'DateTime',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'attempt',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Int',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'delivered',
            type: {
              kind: 'NON_NULL',
              ofType: {
                kind: 'SCALAR',
                name: 'Boolean',
              },
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'error',
            type: {
              kind: 'SCALAR',
              name: 'String',
            },
            args: [],
            isDeprecated: false,
          },
          {
            name: 'status',
            type: {
              kind: 'SCALAR',
              name: 'Int',
            },
            args: [],
            isDeprecated: false,
          },
        ],
        interfaces: [],
      },
    ],
    directives: [],
  },
} as const;

export { introspection };
