import type { Kysely } from 'kysely';
import type { Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import { assertResourceType } from '../record/validate.js';
import type { Resolution } from '../rollup/grains.js';
import { assertTimeZone, nextStart, startOf, toIsoInZone } from '../time/zone.js';
import {
  type BackendType,
  GRANULARITIES,
  type Granularity,
  RESOURCE_CODE,
  type ResourceType,
  type SeriesPoint,
} from '../types.js';
import { aggregateRanges, cellBackend, type Range } from './aggregate.js';
import type { BackendFilter } from './backend-filter.js';
import { loadBackends, selectBackends } from './backends.js';
import { checkRange } from './range.js';

/** Most buckets one series may have; ask for a coarser granularity past it. */
export const MAX_SERIES_BUCKETS = 10_000;

export interface SeriesQuery extends BackendFilter {
  resourceType: ResourceType;
  granularity: Granularity;
  from: Date;
  to: Date;
  timezone?: string;
  backendType?: BackendType;
  /** Default true: one point per backend and bucket; false sums the backends (backend: null). */
  perBackend?: boolean;
}

/** Validates a series query and lays out its buckets; throws ValidationError. */
export function resolveSeries(q: SeriesQuery) {
  if (q === null || typeof q !== 'object') throw new ValidationError('INVALID_OPTION', 'A series query is required.');
  assertResourceType(q.resourceType);
  if (!GRANULARITIES.includes(q.granularity)) {
    throw new ValidationError(
      'INVALID_PERIOD',
      `granularity must be one of ${GRANULARITIES.join(', ')}; got ${String(q.granularity)}.`,
    );
  }
  const timezone = assertTimeZone(q.timezone ?? 'UTC');
  const from = q.from instanceof Date ? q.from.getTime() : Number.NaN;
  const to = q.to instanceof Date ? q.to.getTime() : Number.NaN;
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new ValidationError('INVALID_RANGE', 'A series needs `from` and `to` as valid Dates.');
  checkRange(from, to);
  const approx = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 28 * 86_400_000 }[
    q.granularity
  ];
  if ((to - from) / approx > MAX_SERIES_BUCKETS + 2) {
    throw new ValidationError(
      'RANGE_TOO_LARGE',
      `A series may have at most ${MAX_SERIES_BUCKETS} buckets; use a coarser granularity or a shorter range.`,
    );
  }
  const starts: number[] = [];
  const ranges: Range[] = [];
  for (let start = startOf(from, q.granularity, timezone); start < to; ) {
    const next = nextStart(start, q.granularity, timezone);
    starts.push(start);
    ranges.push({ from: Math.max(start, from), to: Math.min(next, to) });
    start = next;
  }
  if (ranges.length > MAX_SERIES_BUCKETS) {
    throw new ValidationError(
      'RANGE_TOO_LARGE',
      `A series may have at most ${MAX_SERIES_BUCKETS} buckets; use a coarser granularity or a shorter range.`,
    );
  }
  return { timezone, starts, ranges };
}

/** Sparse series: buckets with no event are left out. Points are ordered by bucket, then backend name. */
export function* getTimeSeriesPlan(
  db: Kysely<Database>,
  q: SeriesQuery,
  layout: ReturnType<typeof resolveSeries>,
  res: Resolution,
): Plan<SeriesPoint[]> {
  const backends = selectBackends(yield* loadBackends(db), q.backend, q.backendType);
  if (backends.length === 0) return [];
  const filtered = q.backend !== undefined || q.backendType !== undefined;
  const names = new Map(backends.map((b) => [b.id, b.name]));
  const { cells } = yield* aggregateRanges(
    db,
    layout.ranges,
    { resources: [RESOURCE_CODE[q.resourceType]], ...(filtered ? { backendIds: backends.map((b) => b.id) } : {}) },
    res,
  );
  const perBackend = q.perBackend ?? true;
  const points: SeriesPoint[] = [];
  cells.forEach((bucket, i) => {
    const bucketStart = toIsoInZone(layout.starts[i]!, layout.timezone);
    const rows = new Map<string | null, { total: number; count: number }>();
    for (const [key, cell] of bucket) {
      const name = perBackend ? (names.get(cellBackend(key)) ?? null) : null;
      if (perBackend && name === null) continue;
      const row = rows.get(name) ?? { total: 0, count: 0 };
      row.total += cell.total;
      row.count += cell.count;
      rows.set(name, row);
    }
    const ordered = [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    for (const [backend, row] of ordered) {
      points.push({
        bucketStart,
        backend,
        resourceType: q.resourceType,
        totalAmount: row.total,
        operationCount: row.count,
      });
    }
  });
  return points;
}
