import { graphql } from '../graphql/graphql.js';

/** Every field of a backend's status; shared by the status query, `backends` and the status feed. */
export const BackendStatusFields = graphql(`
  fragment BackendStatusFields on BackendStatus {
    backend
    backendType
    isActive
    healthStatus
    healthReason
    errorRate
    consecutiveFailures
    currentBandwidthUsageMbps
    currentUploadMbps
    currentDownloadMbps
    currentStorageUsageBytes
    currentStorageUsageGb
    lastOperationAt
  }
`);

/** Every field of one usage event; shared by the `usage` pages and the `usageEvents` feed. */
export const UsageEventFields = graphql(`
  fragment UsageEventFields on UsageEvent {
    id
    timestamp
    backend
    backendType
    resourceType
    amount
    formattedAmount
    operationId
    path
    success
    durationMs
    metadata
    reportedLevel
  }
`);
