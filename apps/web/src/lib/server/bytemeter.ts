import 'server-only';
// Thin adapter over the API with the same operation names as @bytemeter/client (getUsageSummary, getUsage,
// getBackendStatus, getTimeSeries), used until that package lands; then this file becomes a call to
// createBytemeterClient({ url, token }). Every call carries the session's read token, never the browser's.
import { redirect } from 'next/navigation';
import type {
  BackendStatus,
  BackendType,
  Granularity,
  Period,
  ResourceType,
  SeriesPoint,
  UsageEventConnection,
  UsageSummary,
} from '../types';
import { sessionToken } from './session';
import { apiUrl } from './settings';

/** An error the API answered with: its `extensions.code` (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, …). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Runs one GraphQL operation against the API with `token` (or none).
 * @example const data = await graphqlRequest<{ backends: { name: string }[] }>('{ backends { name } }', {}, token)
 */
export async function graphqlRequest<T>(
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(
      'API_UNREACHABLE',
      `The bytemeter API at ${apiUrl()} is unreachable: ${(error as Error).message}`,
    );
  }
  const body = (await response.json().catch(() => null)) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const first = body?.errors?.[0];
  if (first) throw new ApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message);
  if (!body?.data) throw new ApiError('BAD_RESPONSE', `The API answered ${response.status} without data.`);
  return body.data;
}

/** The session's query: a missing or refused token sends the user to the login page. */
async function read<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  try {
    return await graphqlRequest<T>(query, variables, await sessionToken());
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') redirect('/login');
    throw error;
  }
}

const RESOURCE_FIELDS = 'resourceType totalAmount operationCount formattedAmount';
const STATUS_FIELDS =
  'backend backendType isActive healthStatus errorRate currentBandwidthUsageMbps currentUploadMbps currentDownloadMbps currentStorageUsageBytes lastOperationAt';

/**
 * Totals for the calendar period holding now (or an explicit range) in a time zone.
 * @example await getUsageSummary({ period: 'DAY', timezone: 'Europe/Berlin' })
 */
export async function getUsageSummary(args: {
  period?: Period;
  timezone?: string;
  range?: { from: string; to: string };
  backend?: string;
}): Promise<UsageSummary> {
  const data = await read<{ usageSummary: UsageSummary }>(
    `query Summary($period: Period, $timezone: String, $range: TimeRange, $backend: String) {
      usageSummary(period: $period, timezone: $timezone, range: $range, backend: $backend) {
        period periodStart periodEnd timezone
        backends { name type resources { ${RESOURCE_FIELDS} } }
        totals { bandwidthUpload bandwidthDownload storageUsed apiCalls operationCostMicros }
      }
    }`,
    args,
  );
  return data.usageSummary;
}

/**
 * Status of every backend (or one): health, current Mbps, storage level.
 * @example const rows = await getBackendStatus()
 */
export async function getBackendStatus(backend?: string): Promise<BackendStatus[]> {
  const data = await read<{ backendStatus: BackendStatus[] }>(
    `query Status($backend: String) { backendStatus(backend: $backend) { ${STATUS_FIELDS} } }`,
    { backend },
  );
  return data.backendStatus;
}

/**
 * One page of events, newest first.
 * @example await getUsage({ backend: 'photos', hoursBack: 24, first: 50 })
 */
export async function getUsage(args: {
  backend?: string;
  backendType?: BackendType;
  resourceType?: ResourceType;
  hoursBack?: number;
  range?: { from: string; to: string };
  first?: number;
  after?: string;
}): Promise<UsageEventConnection> {
  const data = await read<{ usage: UsageEventConnection }>(
    `query Usage($backend: String, $backendType: BackendType, $resourceType: ResourceType, $hoursBack: Int, $range: TimeRange, $first: Int, $after: String) {
      usage(backend: $backend, backendType: $backendType, resourceType: $resourceType, hoursBack: $hoursBack, range: $range, first: $first, after: $after) {
        nodes { id timestamp backend backendType resourceType amount formattedAmount operationId path success durationMs }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
    }`,
    args,
  );
  return data.usage;
}

/**
 * Buckets of one resource over a range.
 * @example await getTimeSeries({ resourceType: 'BANDWIDTH_UPLOAD', granularity: 'HOUR', range, backend: 'photos' })
 */
export async function getTimeSeries(args: {
  resourceType: ResourceType;
  granularity: Granularity;
  range: { from: string; to: string };
  timezone?: string;
  backend?: string;
}): Promise<SeriesPoint[]> {
  const data = await read<{ timeSeries: SeriesPoint[] }>(
    `query Series($resourceType: ResourceType!, $granularity: Granularity!, $range: TimeRange!, $timezone: String, $backend: String) {
      timeSeries(resourceType: $resourceType, granularity: $granularity, range: $range, timezone: $timezone, backend: $backend) {
        bucketStart backend resourceType totalAmount operationCount
      }
    }`,
    args,
  );
  return data.timeSeries;
}
