import type { BytemeterClient, UsageEvent as RemoteEvent, BackendStatus as RemoteStatus } from '@bytemeter/client';
import type {
  BackendStatus,
  BackendType,
  ExportQuery,
  HealthStatus,
  Period,
  ResourceStats,
  ResourceSummary,
  ResourceType,
  SummaryQuery,
  UsageEvent,
  UsagePage,
  UsageQuery,
} from '@bytemeter/tracker';
import { remotePricing } from './remote-pricing.js';
import { lower, range, upper } from './remote-words.js';
import type { UsageReader } from './usage-reader.js';

const iso = (d: Date | undefined) => d?.toISOString();

/** A server event in the tracker's shape (lower-case enums). */
export function toTrackerEvent(e: RemoteEvent): UsageEvent {
  return {
    id: e.id,
    timestamp: e.timestamp,
    backend: e.backend,
    backendType: lower<BackendType>(e.backendType),
    resourceType: lower<ResourceType>(e.resourceType),
    amount: e.amount,
    formattedAmount: e.formattedAmount,
    operationId: e.operationId ?? null,
    path: e.path ?? null,
    success: e.success,
    durationMs: e.durationMs ?? null,
    metadata: (e.metadata as Record<string, unknown> | null) ?? null,
    reportedLevel: e.reportedLevel ?? null,
  };
}

function toTrackerStatus(s: RemoteStatus): BackendStatus {
  return {
    ...s,
    backendType: lower<BackendType>(s.backendType),
    healthStatus: lower<HealthStatus>(s.healthStatus),
    lastOperationAt: s.lastOperationAt ?? null,
  };
}

/**
 * The read commands' calls answered by a bytemeter server.
 * @example const reader = remoteReader(createBytemeterClient({ url }), Date.now)
 */
export function remoteReader(client: BytemeterClient, clock: () => number = Date.now): UsageReader {
  return {
    ...remotePricing(client, clock),

    async getResourceSummary(q: SummaryQuery = {}): Promise<ResourceSummary> {
      const r = range(q, clock());
      const s = await client.getUsageSummary({
        timezone: q.timezone ?? 'UTC',
        ...(r ? { range: r } : { period: upper(q.period ?? 'day'), at: iso(q.at ?? new Date(clock())) }),
        backend: backendOf(q) ?? null,
        backendType: q.backendType ? upper(q.backendType) : null,
      });
      const backends: ResourceSummary['backends'] = {};
      for (const b of s.backends) {
        const resources: Partial<Record<ResourceType, ResourceStats>> = {};
        for (const { resourceType, ...stats } of b.resources) resources[lower<ResourceType>(resourceType)] = stats;
        backends[b.name] = { backendType: lower<BackendType>(b.type), resources };
      }
      return {
        period: s.period ? lower<Period>(s.period) : null,
        periodStart: s.periodStart,
        periodEnd: s.periodEnd,
        timezone: s.timezone,
        backends,
        totals: s.totals,
      };
    },

    async getResourceUsage(q: UsageQuery = {}): Promise<UsagePage> {
      const r = range(q, clock());
      const pages = client.getUsage({
        ...(r ? { range: r } : { hoursBack: q.hoursBack ?? 24 }),
        backend: backendOf(q) ?? null,
        backendType: q.backendType ? upper(q.backendType) : null,
        resourceType: q.resourceType ? upper(q.resourceType) : null,
        success: q.success ?? null,
        pathPrefix: q.pathPrefix ?? null,
        pageSize: q.limit ?? 100,
        after: q.cursor ?? null,
        before: q.before ?? null,
        ...(q.fromEnd && !q.before ? { last: q.limit ?? 100 } : {}),
      });
      const first = await pages.next();
      await pages.return?.();
      if (first.done) return { events: [], nextCursor: null, prevCursor: null, totalCount: 0, totals: [] };
      const page = first.value;
      return {
        events: page.nodes.map(toTrackerEvent),
        nextCursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
        prevCursor: page.pageInfo.hasPreviousPage ? page.pageInfo.startCursor : null,
        totalCount: page.totalCount,
        totals: page.totals.map((t) => ({ ...t, resourceType: lower<ResourceType>(t.resourceType) })),
      };
    },

    async getBackendStatus(backend?: string): Promise<Record<string, BackendStatus>> {
      const list = await client.getBackendStatus(backend);
      return Object.fromEntries(list.map((s) => [s.backend, toTrackerStatus(s)]));
    },

    exportUsage(q: ExportQuery): AsyncIterable<string> {
      const r = range(q, clock());
      return {
        async *[Symbol.asyncIterator]() {
          const stream = await client.exportUsage({
            format: q.format,
            ...(r ? { range: r } : { hoursBack: q.hoursBack ?? 168 }),
            ...(backendOf(q) !== undefined ? { backend: backendOf(q) } : {}),
            ...(q.backendType ? { backendType: upper(q.backendType) } : {}),
            ...(q.resourceType ? { resourceType: upper(q.resourceType) } : {}),
            ...(q.success !== undefined ? { success: q.success } : {}),
            ...(q.pathPrefix !== undefined ? { pathPrefix: q.pathPrefix } : {}),
          });
          yield* stream;
        },
      };
    },
  };
}

/** The backend a tracker query names: `backend`, or its deprecated spelling `backendName`. */
function backendOf(q: { backend?: string; backendName?: string }): string | undefined {
  return q.backend ?? q.backendName;
}
