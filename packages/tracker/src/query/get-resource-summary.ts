import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { formatAmount } from '../format/format.js';
import { assertBackendType } from '../record/validate.js';
import { type Resolution, snapEdge } from '../rollup/grains.js';
import { assertTimeZone, periodRange, toIsoInZone } from '../time/zone.js';
import {
  type BackendType,
  PERIODS,
  type Period,
  RESOURCE_BY_CODE,
  type ResourceStats,
  type ResourceSummary,
  type ResourceType,
} from '../types.js';
import { aggregateKey, aggregateRanges, cellBackend, cellResource } from './aggregate.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends, selectBackends } from './backends.js';
import { checkRange } from './range.js';

export interface SummaryQuery extends BackendFilter {
  backendType?: BackendType;
  period?: Period;
  timezone?: string;
  at?: Date;
  from?: Date;
  to?: Date;
}

/** Validates a summary query and turns it into a range; throws ValidationError. */
export function resolveSummaryRange(q: SummaryQuery, now: number) {
  const timezone = assertTimeZone(q.timezone ?? 'UTC');
  if (q.backendType !== undefined) assertBackendType(q.backendType);
  if (q.from !== undefined || q.to !== undefined) {
    const from = q.from instanceof Date ? q.from.getTime() : Number.NaN;
    const to = q.to instanceof Date ? q.to.getTime() : Number.NaN;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      throw new ValidationError('INVALID_RANGE', 'An explicit range needs both `from` and `to` as valid Dates.');
    }
    return { ...checkRange(from, to), period: null, timezone };
  }
  const period = q.period ?? 'day';
  if (!PERIODS.includes(period)) {
    throw new ValidationError('INVALID_PERIOD', `period must be one of ${PERIODS.join(', ')}; got ${String(period)}.`);
  }
  const at = q.at === undefined ? now : q.at instanceof Date ? q.at.getTime() : Number.NaN;
  if (!Number.isFinite(at)) throw new ValidationError('INVALID_RANGE', '`at` must be a valid Date.');
  return { ...periodRange(at, period, timezone), period, timezone };
}

/** Everything but the data that a summary's answer depends on (see ReadMemo). */
export function summaryKey(q: SummaryQuery, range: ReturnType<typeof resolveSummaryRange>, res: Resolution): string {
  return JSON.stringify([
    q.backend ?? null,
    q.backendType ?? null,
    range.period,
    range.timezone,
    aggregateKey([range], res),
  ]);
}

/** A summary no other caller holds: stats objects are copied, strings and numbers shared. */
export function copySummary(s: ResourceSummary): ResourceSummary {
  const backends: ResourceSummary['backends'] = {};
  for (const name in s.backends) {
    const b = s.backends[name]!;
    const resources: (typeof b)['resources'] = {};
    for (const r in b.resources) resources[r as ResourceType] = { ...b.resources[r as ResourceType]! };
    backends[name] = { backendType: b.backendType, resources };
  }
  return { ...s, backends, totals: { ...s.totals } };
}

/** Totals per backend and resource over one range, read from rollups only (plus sub-minute raw edges). */
export function* getResourceSummaryPlan(
  db: Kysely<Database>,
  q: SummaryQuery,
  range: ReturnType<typeof resolveSummaryRange>,
  res: Resolution,
): Plan<ResourceSummary> {
  const backends = selectBackends(yield* loadBackends(db), q.backend, q.backendType);
  const byId = new Map(backends.map((b) => [b.id, b]));
  const summary: ResourceSummary = {
    period: range.period,
    // What is covered, edges snapped where data is kept coarser, whether or not any backend matches.
    periodStart: toIsoInZone(snapEdge(range.from, res), range.timezone),
    periodEnd: toIsoInZone(snapEdge(range.to, res), range.timezone),
    timezone: range.timezone,
    backends: {},
    totals: { bandwidthUpload: 0, bandwidthDownload: 0, storageUsed: 0, apiCalls: 0, operationCostMicros: 0 },
  };
  if (backends.length === 0) return summary;
  const filtered = q.backend !== undefined || q.backendType !== undefined;
  const { cells, covered } = yield* aggregateRanges(
    db,
    [range],
    filtered ? { backendIds: backends.map((b) => b.id) } : {},
    res,
  );
  summary.periodStart = toIsoInZone(covered[0]!.from, range.timezone);
  summary.periodEnd = toIsoInZone(covered[0]!.to, range.timezone);
  const entries = [...cells[0]!].sort((a, b) => a[0] - b[0]);
  for (const [key, cell] of entries) {
    const backend = byId.get(cellBackend(key));
    const resource = RESOURCE_BY_CODE[cellResource(key)];
    if (!backend || !resource) continue;
    const entry = summary.backends[backend.name] ?? { backendType: backend.type, resources: {} };
    summary.backends[backend.name] = entry;
    entry.resources[resource] = stats(resource, cell);
    addTotal(summary.totals, resource, cell.total);
  }
  return summary;
}

function stats(
  resource: ResourceType,
  cell: { total: number; count: number; min: number; max: number },
): ResourceStats {
  return {
    totalAmount: cell.total,
    operationCount: cell.count,
    avgAmount: cell.count === 0 ? 0 : cell.total / cell.count,
    minAmount: cell.count === 0 ? null : cell.min,
    maxAmount: cell.count === 0 ? null : cell.max,
    formattedAmount: formatAmount(resource, cell.total),
  };
}

function addTotal(totals: ResourceSummary['totals'], resource: ResourceType, amount: number) {
  switch (resource) {
    case 'bandwidth_upload':
      totals.bandwidthUpload += amount;
      break;
    case 'bandwidth_download':
      totals.bandwidthDownload += amount;
      break;
    case 'storage_used':
      totals.storageUsed += amount;
      break;
    case 'api_calls':
      totals.apiCalls += amount;
      break;
    case 'operation_cost':
      totals.operationCostMicros += amount;
      break;
  }
}
