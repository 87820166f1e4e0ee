import type { BackendType, ResourceType } from '../../src/index.js';
import { bucketStart, type RefGranularity } from './zone-reference.js';

/** One event as the test recorded it, with its amount in the stored unit (bytes, calls, micros). */
export interface RefEvent {
  ts: number;
  backend: string;
  backendType: BackendType;
  resourceType: ResourceType;
  amount: number;
  success: boolean;
}

export interface RefStats {
  totalAmount: number;
  operationCount: number;
  minAmount: number;
  maxAmount: number;
}

export interface RefFilter {
  backend?: string;
  backendType?: BackendType;
}

const selected = (e: RefEvent, f: RefFilter) =>
  (f.backend === undefined || e.backend === f.backend) &&
  (f.backendType === undefined || e.backendType === f.backendType);

/** Per backend and resource: sum, count, min and max of the events in [from, to), straight from the list. */
export function expectedSummary(
  events: readonly RefEvent[],
  from: number,
  to: number,
  filter: RefFilter = {},
): Record<string, { backendType: BackendType; resources: Partial<Record<ResourceType, RefStats>> }> {
  const out: Record<string, { backendType: BackendType; resources: Partial<Record<ResourceType, RefStats>> }> = {};
  for (const e of events) {
    if (e.ts < from || e.ts >= to || !selected(e, filter)) continue;
    const b = out[e.backend] ?? { backendType: e.backendType, resources: {} };
    out[e.backend] = b;
    const s = b.resources[e.resourceType];
    if (!s) {
      b.resources[e.resourceType] = {
        totalAmount: e.amount,
        operationCount: 1,
        minAmount: e.amount,
        maxAmount: e.amount,
      };
    } else {
      s.totalAmount += e.amount;
      s.operationCount += 1;
      s.minAmount = Math.min(s.minAmount, e.amount);
      s.maxAmount = Math.max(s.maxAmount, e.amount);
    }
  }
  return out;
}

export interface RefPoint {
  bucketStart: number;
  backend: string;
  totalAmount: number;
  operationCount: number;
}

/** Series points (non-empty buckets only) of one resource over [from, to), sorted by bucket then backend. */
export function expectedSeries(
  events: readonly RefEvent[],
  resourceType: ResourceType,
  granularity: RefGranularity,
  from: number,
  to: number,
  zone: string,
  filter: RefFilter = {},
): RefPoint[] {
  const points = new Map<string, RefPoint>();
  for (const e of events) {
    if (e.resourceType !== resourceType || e.ts < from || e.ts >= to || !selected(e, filter)) continue;
    const start = bucketStart(e.ts, granularity, zone);
    const id = `${start}\0${e.backend}`;
    const p = points.get(id);
    if (p) {
      p.totalAmount += e.amount;
      p.operationCount += 1;
    } else {
      points.set(id, { bucketStart: start, backend: e.backend, totalAmount: e.amount, operationCount: 1 });
    }
  }
  return [...points.values()].sort((a, b) =>
    a.bucketStart !== b.bucketStart ? a.bucketStart - b.bucketStart : a.backend < b.backend ? -1 : 1,
  );
}

/** The tracker's summary reduced to the fields the reference computes (avg and formatting checked apart). */
export function comparableSummary(backends: Record<string, { backendType: BackendType; resources: object }>) {
  const out: Record<string, { backendType: BackendType; resources: Record<string, RefStats> }> = {};
  for (const [name, b] of Object.entries(backends)) {
    const resources: Record<string, RefStats> = {};
    for (const [r, s] of Object.entries(b.resources) as [string, RefStats][]) {
      resources[r] = {
        totalAmount: s.totalAmount,
        operationCount: s.operationCount,
        minAmount: s.minAmount,
        maxAmount: s.maxAmount,
      };
    }
    out[name] = { backendType: b.backendType, resources };
  }
  return out;
}

/** Totals across backends, in the summary's `totals` shape. */
export function expectedTotals(summary: ReturnType<typeof expectedSummary>) {
  const totals = { bandwidthUpload: 0, bandwidthDownload: 0, storageUsed: 0, apiCalls: 0, operationCostMicros: 0 };
  for (const b of Object.values(summary)) {
    totals.bandwidthUpload += b.resources.bandwidth_upload?.totalAmount ?? 0;
    totals.bandwidthDownload += b.resources.bandwidth_download?.totalAmount ?? 0;
    totals.storageUsed += b.resources.storage_used?.totalAmount ?? 0;
    totals.apiCalls += b.resources.api_calls?.totalAmount ?? 0;
    totals.operationCostMicros += b.resources.operation_cost?.totalAmount ?? 0;
  }
  return totals;
}

/**
 * Where a range edge lands once data is no longer kept at full resolution (README, "Retention and
 * resolution"): exact while raw events exist for it, else the minute while minute rollups (or raw events)
 * exist, else the quarter hour.
 */
export function snappedEdge(t: number, rawFrom: number, minuteFrom: number): number {
  let s = t;
  const minute = Math.floor(s / 60_000) * 60_000;
  if (s !== minute && minute < rawFrom) s = minute;
  const quarter = Math.floor(s / 900_000) * 900_000;
  if (s !== quarter && quarter < minuteFrom && quarter < rawFrom) s = quarter;
  return s;
}
