import { graphql } from '../graphql/graphql.js';
import { BackendStatusFields, UsageEventFields } from './fragments.js';

// One document per Query field of the contract (contract/schema.graphql), each selecting every field.

export const UsageSummaryQuery = graphql(`
  query UsageSummary(
    $period: Period
    $timezone: String
    $at: DateTime
    $range: TimeRange
    $backend: String
    $backendType: BackendType
  ) {
    usageSummary(
      period: $period
      timezone: $timezone
      at: $at
      range: $range
      backend: $backend
      backendType: $backendType
    ) {
      period
      periodStart
      periodEnd
      timezone
      backends {
        name
        type
        resources {
          resourceType
          totalAmount
          operationCount
          avgAmount
          minAmount
          maxAmount
          formattedAmount
        }
      }
      totals {
        bandwidthUpload
        bandwidthDownload
        storageUsed
        apiCalls
        operationCostMicros
      }
    }
  }
`);

export const UsageQuery = graphql(
  `
  query Usage(
    $backend: String
    $backendType: BackendType
    $resourceType: ResourceType
    $hoursBack: Int
    $range: TimeRange
    $first: Int
    $after: String
    $success: Boolean
    $pathPrefix: String
    $last: Int
    $before: String
  ) {
    usage(
      backend: $backend
      backendType: $backendType
      resourceType: $resourceType
      hoursBack: $hoursBack
      range: $range
      first: $first
      after: $after
      success: $success
      pathPrefix: $pathPrefix
      last: $last
      before: $before
    ) {
      nodes {
        ...UsageEventFields
      }
      pageInfo {
        hasNextPage
        endCursor
        hasPreviousPage
        startCursor
      }
      totalCount
      totals {
        resourceType
        totalAmount
        operationCount
        avgAmount
        minAmount
        maxAmount
        formattedAmount
      }
    }
  }
`,
  [UsageEventFields],
);

export const BackendStatusQuery = graphql(
  `
  query BackendStatus($backend: String) {
    backendStatus(backend: $backend) {
      ...BackendStatusFields
    }
  }
`,
  [BackendStatusFields],
);

export const BackendsQuery = graphql(
  `
  query Backends {
    backends {
      name
      type
      createdAt
      status {
        ...BackendStatusFields
      }
    }
  }
`,
  [BackendStatusFields],
);

export const BackendQuery = graphql(
  `
  query Backend($name: String!) {
    backend(name: $name) {
      name
      type
      createdAt
      status {
        ...BackendStatusFields
      }
    }
  }
`,
  [BackendStatusFields],
);

export const TimeSeriesQuery = graphql(`
  query TimeSeries(
    $resourceType: ResourceType!
    $granularity: Granularity!
    $range: TimeRange!
    $timezone: String
    $backend: String
    $backendType: BackendType
  ) {
    timeSeries(
      resourceType: $resourceType
      granularity: $granularity
      range: $range
      timezone: $timezone
      backend: $backend
      backendType: $backendType
    ) {
      bucketStart
      backend
      resourceType
      totalAmount
      operationCount
    }
  }
`);

export const ExportQuery = graphql(`
  query Export(
    $hoursBack: Int
    $range: TimeRange
    $format: ExportFormat
    $backend: String
    $backendType: BackendType
    $resourceType: ResourceType
    $success: Boolean
    $pathPrefix: String
  ) {
    export(
      hoursBack: $hoursBack
      range: $range
      format: $format
      backend: $backend
      backendType: $backendType
      resourceType: $resourceType
      success: $success
      pathPrefix: $pathPrefix
    ) {
      format
      filename
      contentType
      eventCount
      content
    }
  }
`);
