import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
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
 * still one event); min and max widen to take in its new amount (the old one may still be their bound).
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
  const least = isPostgres(db) ? sql.raw('least') : sql.raw('min');
  const greatest = isPostgres(db) ? sql.raw('greatest') : sql.raw('max');
  for (const grain of GRAINS) {
    const bucket = Math.floor(report.ts / grain.size) * grain.size;
    // The byte-time sum moves with the change, at the report's offset in the bucket.
    const [hi, lo] = toLimbs(BigInt(change) * BigInt(report.ts - bucket));
    yield* exec(
      db
        .updateTable('rollups')
        .set({
          total: sql<number>`total - ${change}`,
          min: sql<number>`${least}(min, ${now})`,
          max: sql<number>`${greatest}(max, ${now})`,
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
