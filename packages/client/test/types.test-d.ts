import { describe, expectTypeOf, it } from 'vitest';
import {
  type BackendStatus,
  type BackendStatusQuery,
  type BytemeterClient,
  createRemoteTracker,
  graphql,
  type LiveBandwidthSubscription,
  type ResultOf,
  type TrackUsageMutation,
  type UsageEvent,
  type UsageQuery,
  type UsageSummary,
  type UsageSummaryQuery,
  type VariablesOf,
} from '../src/index.js';

// The compiler checks documents against apps/api/schema.graphql: these assertions fail to type-check
// when a document, the schema or the scalar mapping drifts.

describe('typed documents', () => {
  it('infers results with the schema enums and scalars', () => {
    type Summary = ResultOf<typeof UsageSummaryQuery>['usageSummary'];
    expectTypeOf<Summary['totals']['bandwidthUpload']>().toEqualTypeOf<number>();
    expectTypeOf<Summary['periodStart']>().toEqualTypeOf<string>();
    expectTypeOf<Summary['period']>().toEqualTypeOf<'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | null>();
    expectTypeOf<Summary['backends'][number]['type']>().toEqualTypeOf<
      'S3' | 'IPFS' | 'HUGGINGFACE' | 'STORACHA' | 'FILECOIN' | 'LASSIE' | 'LOCAL'
    >();
    expectTypeOf<Summary['backends'][number]['resources'][number]['minAmount']>().toEqualTypeOf<number | null>();
    expectTypeOf<ResultOf<typeof BackendStatusQuery>['backendStatus'][number]['healthStatus']>().toEqualTypeOf<
      'HEALTHY' | 'DEGRADED' | 'UNHEALTHY' | 'IDLE'
    >();
    expectTypeOf<ResultOf<typeof UsageQuery>['usage']['pageInfo']['endCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<ResultOf<typeof LiveBandwidthSubscription>['liveBandwidth']['backend']>().toEqualTypeOf<
      string | null
    >();
    expectTypeOf<UsageEvent['metadata']>().toEqualTypeOf<unknown>();
  });

  it('types variables: required ones required, enums closed', () => {
    type Track = VariablesOf<typeof TrackUsageMutation>;
    expectTypeOf<Track['events'][number]['amount']>().toEqualTypeOf<number>();
    expectTypeOf<Track['events'][number]['resourceType']>().toEqualTypeOf<
      'BANDWIDTH_UPLOAD' | 'BANDWIDTH_DOWNLOAD' | 'STORAGE_USED' | 'API_CALLS' | 'OPERATION_COST'
    >();
    expectTypeOf<VariablesOf<typeof UsageSummaryQuery>['period']>().toEqualTypeOf<
      'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | null | undefined
    >();
    // @ts-expect-error a period the schema does not have
    const bad: VariablesOf<typeof UsageSummaryQuery> = { period: 'YEAR' };
    void bad;
  });

  it('types a custom document made with the same graphql()', () => {
    const doc = graphql(`
      query Names {
        backends {
          name
          createdAt
        }
      }
    `);
    expectTypeOf<ResultOf<typeof doc>>().toEqualTypeOf<{ backends: { name: string; createdAt: string }[] }>();
  });
});

describe('client surface', () => {
  it('returns the document result types', () => {
    expectTypeOf<ReturnType<BytemeterClient['getUsageSummary']>>().resolves.toEqualTypeOf<UsageSummary>();
    expectTypeOf<ReturnType<BytemeterClient['getBackendStatus']>>().resolves.toEqualTypeOf<BackendStatus[]>();
    expectTypeOf<ReturnType<BytemeterClient['getUsage']>>().toMatchTypeOf<AsyncIterable<{ nodes: UsageEvent[] }>>();
    expectTypeOf<Parameters<BytemeterClient['getTimeSeries']>[0]>().toHaveProperty('range');
  });

  it('refuses wrong arguments at compile time', () => {
    const client = {} as BytemeterClient;
    // @ts-expect-error granularity is required
    void (() => client.getTimeSeries({ resourceType: 'API_CALLS', range: { from: '', to: '' } }));
    // @ts-expect-error lower-case enums belong to the tracker vocabulary, not to GraphQL variables
    void (() => client.getUsageSummary({ period: 'day' }));
    const tracker = createRemoteTracker({ url: 'http://127.0.0.1:4000' });
    // @ts-expect-error not a backend type
    void (() => tracker.trackApiCall('b', 'dropbox'));
    expectTypeOf(tracker.trackBandwidthUpload).parameters.toEqualTypeOf<
      [
        string,
        's3' | 'ipfs' | 'huggingface' | 'storacha' | 'filecoin' | 'lassie' | 'local',
        number,
        (import('../src/index.js').TrackOptions | undefined)?,
      ]
    >();
  });
});
