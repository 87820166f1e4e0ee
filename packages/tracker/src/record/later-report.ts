import { type Kysely, type RawBuilder, sql } from 'kysely';
import { extremeFunctions } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { toLimbs } from '../pricing/delta-time.js';
import { GRAINS } from '../rollup/grains.js';
import { RESOURCE_CODE } from '../types.js';

const STORAGE = RESOURCE_CODE.storage_used;

/** A stored level report: its row id, time and the change it implies. */
export interface StoredReport {
  id: number;
  ts: number;
  amount: number;
}

/**
 * The earliest stored level report of a backend dated at or after `from`. A report dated before it only
 * changes the level between the two: the later one still says what the level is from its time on.
 * Reports are found among the raw rows, so one older than the raw retention is no longer seen.
 */
export function* laterStoredReport(db: Kysely<Database>, backendId: number, from: number): Plan<StoredReport | null> {
  const rows = yield* exec(
    db
      .selectFrom('events')
      .select(['id', 'ts', 'amount'])
      .where('ts', '>=', from)
      .where('backend_id', '=', backendId)
      .where('resource', '=', STORAGE)
      .where('reported_level', 'is not', null)
      .orderBy('ts')
      .orderBy('id')
      .limit(1),
  );
  const row = rows[0];
  return row ? { id: Number(row.id), ts: Number(row.ts), amount: Number(row.amount) } : null;
}

/**
 * Moves `change` off a stored report's implied change, in its raw row and in the rollup bucket of every
 * grain holding it, so levels after that report stay what it said. The count is left alone (the report is
 * still one event). Min and max are taken again from the bucket's source (widening alone would keep the
 * report's old amount as an extreme no event holds any more), finest grain first so each coarser one reads
 * its finer grain already right: the bucket's finer rollups (a quarter's minutes, an hour's quarters, a
 * day's hours; a few rows) when they are all there, else its raw rows when they are all there. "All there"
 * is checked by count and sum: the source's events number the rollup's count and add up to its total. The
 * sum matters for a minute row that a prune deleted and a later rollups-only event created again: it counts
 * only what came after, while the minute's older raw rows remain, so a count alone can match by accident
 * (the sum then differs: the old rows were never added to it). Called with the backend's
 * backend_state row locked (ingestPlan), so no other batch changes the backend's storage rows or rollups
 * meanwhile; each statement's reads are one snapshot, so a prune running alongside only makes a source fail
 * the check. Quarters, hours and days are never pruned, so only a minute, or a quarter whose minutes are
 * pruned, can be left without a complete source: where retention removed part of the bucket's raw rows
 * (the bucket straddles the raw retention's edge) or they were kept in rollups only. Such a bucket widens as
 * before: exact unless the report alone held the old extreme and moved inwards, in which case that bound is
 * kept (no event may hold it; every event still lies within), and coarser grains take it from there.
 */
export function* takeFromStoredReport(
  db: Kysely<Database>,
  backendId: number,
  report: StoredReport,
  change: number,
): Plan<void> {
  yield* exec(
    db
      .updateTable('events')
      .set({ amount: sql<number>`amount - ${change}` })
      .where('id', '=', report.id),
  );
  const now = report.amount - change;
  const extremes = extremeFunctions(db);
  const least = sql.raw(extremes.least);
  const greatest = sql.raw(extremes.greatest);
  for (const [i, grain] of GRAINS.entries()) {
    const bucket = Math.floor(report.ts / grain.size) * grain.size;
    const end = bucket + grain.size;
    // The byte-time sum moves with the change, at the report's offset in the bucket.
    const [hi, lo] = toLimbs(BigInt(change) * BigInt(report.ts - bucket));
    // The bucket's total once this statement has run (SET reads the row as it was); its source already has it.
    const total = sql<number>`(rollups.total - ${change})`;
    // One extreme of the bucket from the first complete source (each a subquery run only when reached).
    const extreme = (fn: 'min' | 'max', widened: RawBuilder<number>) => {
      const of = sql.raw(fn);
      const sources: RawBuilder<number>[] = [];
      const finer = GRAINS[i - 1];
      if (finer)
        sources.push(sql<number>`(select case when sum(f.count) = rollups.count and sum(f.total) = ${total}
          then ${of}(f.${of}) end
          from rollups as f where f.level = ${finer.code} and f.bucket >= ${bucket} and f.bucket < ${end}
          and f.backend_id = ${backendId} and f.resource = ${STORAGE})`);
      sources.push(sql<number>`(select case when count(*) = rollups.count and sum(e.amount) = ${total}
          then ${of}(e.amount) end
        from events as e where e.ts >= ${bucket} and e.ts < ${end}
        and e.backend_id = ${backendId} and e.resource = ${STORAGE})`);
      return sql<number>`coalesce(${sql.join(sources)}, ${widened})`;
    };
    yield* exec(
      db
        .updateTable('rollups')
        .set({
          total: sql<number>`total - ${change}`,
          min: extreme('min', sql<number>`${least}(min, ${now})`),
          max: extreme('max', sql<number>`${greatest}(max, ${now})`),
          delta_time_lo: sql<number>`delta_time_lo - ${lo}`,
          delta_time_hi: sql<number>`delta_time_hi - ${hi}`,
        })
        .where('level', '=', grain.code)
        .where('bucket', '=', bucket)
        .where('backend_id', '=', backendId)
        .where('resource', '=', STORAGE),
    );
  }
}
