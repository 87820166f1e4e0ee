import { graphql } from '../graphql/graphql.js';
import { BackendStatusFields, UsageEventFields } from './fragments.js';

export const LiveBandwidthSubscription = graphql(`
  subscription LiveBandwidth($backend: String, $intervalMs: Int) {
    liveBandwidth(backend: $backend, intervalMs: $intervalMs) {
      timestamp
      backend
      uploadBytes
      downloadBytes
      uploadMbps
      downloadMbps
      totalMbps
    }
  }
`);

export const UsageEventsSubscription = graphql(
  `
  subscription UsageEvents($backend: String, $resourceType: ResourceType) {
    usageEvents(backend: $backend, resourceType: $resourceType) {
      ...UsageEventFields
    }
  }
`,
  [UsageEventFields],
);

export const BackendStatusChangedSubscription = graphql(
  `
  subscription BackendStatusChanged($backend: String) {
    backendStatusChanged(backend: $backend) {
      ...BackendStatusFields
    }
  }
`,
  [BackendStatusFields],
);
