import { graphql } from '../graphql/graphql.js';
import { BackendStatusFields } from './fragments.js';

export const TrackUsageMutation = graphql(`
  mutation TrackUsage($events: [UsageEventInput!]!) {
    trackUsage(events: $events) {
      accepted
      duplicates
      rejected {
        index
        code
        message
      }
    }
  }
`);

export const SetStorageLevelMutation = graphql(
  `
  mutation SetStorageLevel($id: ID, $backend: String!, $backendType: BackendType!, $bytes: SafeInt!, $at: DateTime) {
    setStorageLevel(id: $id, backend: $backend, backendType: $backendType, bytes: $bytes, at: $at) {
      ...BackendStatusFields
    }
  }
`,
  [BackendStatusFields],
);
