import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { chunks } from '../db/insert-rows.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { IdRange } from '../feed/event-notify.js';
import { RESOURCE_CODE, type ResourceType, type UsageEvent } from '../types.js';
import { loadBackends } from './backends.js';
import { selectEventColumns, toUsageEvent, withKeys } from './event-rows.js';
import { backendIdFor } from './get-event-feed.js';

/** Ranges per statement: each is two parameters. */
const RANGES_PER_QUERY = 500;

function inRanges(eb: ExpressionBuilder<Database, 'events'>, ranges: readonly IdRange[]) {
  return eb.or(ranges.map(([lo, hi]) => (lo === hi ? eb('id', '=', lo) : eb.between('id', lo, hi))));
}

/**
 * The events with ids in `ranges` (as logged by the commit feed), in the ranges' order, which is commit
 * order; rows since deleted by retention are left out.
 */
export function* getCommittedEventsPlan(
  db: Kysely<Database>,
  ranges: readonly IdRange[],
  filter: { backend?: string; resourceType?: ResourceType },
): Plan<UsageEvent[]> {
  if (ranges.length === 0) return [];
  const backendId = yield* backendIdFor(db, filter.backend);
  if (backendId === null) return [];
  const resource = filter.resourceType === undefined ? undefined : RESOURCE_CODE[filter.resourceType];
  const rows = [];
  for (const part of chunks(ranges, RANGES_PER_QUERY)) {
    let q = selectEventColumns(db.selectFrom('events')).where((eb) => inRanges(eb, part));
    if (backendId !== undefined) q = q.where('backend_id', '=', backendId);
    if (resource !== undefined) q = q.where('resource', '=', resource);
    rows.push(...(yield* exec(q)));
  }
  if (rows.length === 0) return [];
  // Commit order: the position of each id in the logged ranges.
  const order = new Map<number, number>();
  let offset = 0;
  const starts = ranges.map(([lo, hi]) => {
    const start = offset;
    offset += hi - lo + 1;
    return start;
  });
  const sorted = ranges.map((r, i) => ({ lo: r[0], hi: r[1], start: starts[i]! })).sort((a, b) => a.lo - b.lo);
  for (const row of rows) {
    const id = Number(row.id);
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sorted[mid]!.lo <= id) lo = mid;
      else hi = mid - 1;
    }
    const range = sorted[lo]!;
    order.set(id, range.start + (id - range.lo));
  }
  rows.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!);
  const byId = new Map((yield* loadBackends(db)).map((b) => [b.id, b]));
  return (yield* withKeys(db, rows)).map((r) => toUsageEvent(r, byId));
}

/** Upload and download bytes of the events with ids in `ranges`, one backend or all. */
export function* getCommittedBandwidthPlan(
  db: Kysely<Database>,
  ranges: readonly IdRange[],
  filter: { backend?: string },
): Plan<{ uploadBytes: number; downloadBytes: number }> {
  let uploadBytes = 0;
  let downloadBytes = 0;
  if (ranges.length === 0) return { uploadBytes, downloadBytes };
  const backendId = yield* backendIdFor(db, filter.backend);
  if (backendId === null) return { uploadBytes, downloadBytes };
  for (const part of chunks(ranges, RANGES_PER_QUERY)) {
    let q = db
      .selectFrom('events')
      .select(['resource', sql<number>`sum(amount)`.as('total')])
      .where((eb) => inRanges(eb, part))
      .where('resource', 'in', [RESOURCE_CODE.bandwidth_upload, RESOURCE_CODE.bandwidth_download])
      .groupBy('resource');
    if (backendId !== undefined) q = q.where('backend_id', '=', backendId);
    for (const r of yield* exec(q)) {
      if (r.resource === RESOURCE_CODE.bandwidth_upload) uploadBytes += Number(r.total);
      else downloadBytes += Number(r.total);
    }
  }
  return { uploadBytes, downloadBytes };
}
