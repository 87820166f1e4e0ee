import type { Kysely } from 'kysely';
import { extremeFunctions } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { toLimbs } from '../pricing/delta-time.js';
import { GRAINS, MINUTE_MS } from '../rollup/grains.js';
import { RESOURCE_CODE, RESOURCE_SLOTS } from '../types.js';

/** Column order of the rows `grainRows` returns. */
export const ROLLUP_COLUMNS = [
  'level',
  'bucket',
  'backend_id',
  'resource',
  'total',
  'count',
  'failures',
  'min',
  'max',
  'delta_time_lo',
  'delta_time_hi',
] as const;

/** Column order of the rows `backendTotalRows` returns. */
export const BACKEND_TOTAL_COLUMNS = ['backend_id', 'resource', 'total', 'count', 'failures'] as const;

/**
 * The resources backend_totals keeps (migration 0013): the counters /metrics exposes. Not storage_used (a
 * backdated level report rewrites its past rollups; its level is backend_state's) nor the API call classes.
 */
export const BACKEND_TOTAL_RESOURCES: ReadonlySet<number> = new Set([
  RESOURCE_CODE.bandwidth_upload,
  RESOURCE_CODE.bandwidth_download,
  RESOURCE_CODE.api_calls,
  RESOURCE_CODE.operation_cost,
]);

const STORAGE = RESOURCE_CODE.storage_used;

interface MinuteCell {
  bucket: number;
  backendId: number;
  resource: number;
  total: number;
  count: number;
  failures: number;
  min: number;
  max: number;
  /** storage_used: Σ amount × (ts − bucket), exact (byte-ms pass 2^53 quickly). */
  deltaTime: bigint;
}

/**
 * One batch's totals per minute, backend and resource: each event costs one map update, and every coarser
 * grain is derived from these cells afterwards. Keyed by number (minute index * RESOURCE_SLOTS + resource)
 * per backend id, so no string is built per event.
 */
export class MinuteCells {
  private readonly byBackend = new Map<number, Map<number, MinuteCell>>();

  add(ts: number, backendId: number, resource: number, amount: number, success: boolean): void {
    const minuteIndex = Math.floor(ts / MINUTE_MS);
    let backendCells = this.byBackend.get(backendId);
    if (!backendCells) {
      backendCells = new Map();
      this.byBackend.set(backendId, backendCells);
    }
    const cellId = minuteIndex * RESOURCE_SLOTS + resource;
    const bucket = minuteIndex * MINUTE_MS;
    const deltaTime = resource === STORAGE ? BigInt(amount) * BigInt(ts - bucket) : 0n;
    const cell = backendCells.get(cellId);
    const failed = success ? 0 : 1;
    if (cell) {
      cell.total += amount;
      cell.count += 1;
      cell.failures += failed;
      if (amount < cell.min) cell.min = amount;
      if (amount > cell.max) cell.max = amount;
      cell.deltaTime += deltaTime;
    } else {
      backendCells.set(cellId, {
        bucket,
        backendId,
        resource,
        total: amount,
        count: 1,
        failures: failed,
        min: amount,
        max: amount,
        deltaTime,
      });
    }
  }

  /**
   * Changes the total of a cell already added by `change` (a level report that implies less change once an
   * earlier-dated one is in). Min and max are taken again from `amounts`, every amount of the batch's rows
   * in that cell after the change: widening alone would keep the old amount's extreme, which no row holds
   * any more (the raw rows and the rollups would then disagree on max or min).
   */
  adjust(ts: number, backendId: number, resource: number, change: number, amounts: readonly number[]): void {
    const cell = this.byBackend.get(backendId)?.get(Math.floor(ts / MINUTE_MS) * RESOURCE_SLOTS + resource);
    if (!cell) return;
    cell.total += change;
    if (resource === STORAGE) cell.deltaTime += BigInt(change) * BigInt(ts - cell.bucket);
    cell.min = Math.min(...amounts);
    cell.max = Math.max(...amounts);
  }

  /**
   * backend_totals rows (in BACKEND_TOTAL_COLUMNS order), one per backend and resource of
   * BACKEND_TOTAL_RESOURCES: the sum of the same cells every grain's rollups are built from, so the table
   * stays the sum of the backend's day rollups.
   */
  backendTotalRows(): unknown[][] {
    const out: unknown[][] = [];
    for (const backendCells of this.byBackend.values()) {
      const byResource = new Map<number, unknown[]>();
      for (const cell of backendCells.values()) {
        if (!BACKEND_TOTAL_RESOURCES.has(cell.resource)) continue;
        const row = byResource.get(cell.resource);
        if (!row) {
          const created = [cell.backendId, cell.resource, cell.total, cell.count, cell.failures];
          byResource.set(cell.resource, created);
          out.push(created);
        } else {
          row[2] = (row[2] as number) + cell.total;
          row[3] = (row[3] as number) + cell.count;
          row[4] = (row[4] as number) + cell.failures;
        }
      }
    }
    return out;
  }

  /** Rollup rows of every grain (in ROLLUP_COLUMNS order), one per (grain, bucket, backend, resource). */
  grainRows(): unknown[][] {
    const out: unknown[][] = [];
    for (const backendCells of this.byBackend.values()) {
      // One map per grain for this backend, keyed by bucket index * RESOURCE_SLOTS + resource.
      const byGrain = GRAINS.map(() => new Map<number, unknown[]>());
      for (const cell of backendCells.values()) {
        for (let g = 0; g < GRAINS.length; g++) {
          const grain = GRAINS[g]!;
          const bucketIndex = Math.floor(cell.bucket / grain.size);
          const id = bucketIndex * RESOURCE_SLOTS + cell.resource;
          const start = bucketIndex * grain.size;
          // Relative to this grain's bucket: the minute's own sum plus its offset times its total.
          const deltaTime =
            cell.resource === STORAGE ? cell.deltaTime + BigInt(cell.bucket - start) * BigInt(cell.total) : 0n;
          const row = byGrain[g]!.get(id);
          if (!row) {
            const created = [
              grain.code,
              start,
              cell.backendId,
              cell.resource,
              cell.total,
              cell.count,
              cell.failures,
              cell.min,
              cell.max,
              deltaTime,
            ];
            byGrain[g]!.set(id, created);
            out.push(created);
          } else {
            row[4] = (row[4] as number) + cell.total;
            row[5] = (row[5] as number) + cell.count;
            row[6] = (row[6] as number) + cell.failures;
            row[7] = Math.min(row[7] as number, cell.min);
            row[8] = Math.max(row[8] as number, cell.max);
            row[9] = (row[9] as bigint) + deltaTime;
          }
        }
      }
    }
    for (const row of out) {
      const [hi, lo] = toLimbs(row[9] as bigint);
      row[9] = lo;
      row[10] = hi;
    }
    return out;
  }
}

/** ON CONFLICT clause that adds a batch's rollup rows onto the stored ones. */
export function rollupUpsertSuffix(db: Kysely<Database>): string {
  const { least, greatest } = extremeFunctions(db);
  // Written as text once: Kysely has no builder for appending ON CONFLICT to a precompiled VALUES list.
  return (
    ' on conflict (level, bucket, backend_id, resource) do update set' +
    ' total = rollups.total + excluded.total, count = rollups.count + excluded.count,' +
    ' failures = rollups.failures + excluded.failures,' +
    ` min = ${least}(rollups.min, excluded.min), max = ${greatest}(rollups.max, excluded.max),` +
    ' delta_time_lo = rollups.delta_time_lo + excluded.delta_time_lo,' +
    ' delta_time_hi = rollups.delta_time_hi + excluded.delta_time_hi'
  );
}

/** ON CONFLICT clause that adds a batch's backend_totals rows onto the stored ones. */
export const BACKEND_TOTALS_UPSERT_SUFFIX =
  ' on conflict (backend_id, resource) do update set total = backend_totals.total + excluded.total,' +
  ' count = backend_totals.count + excluded.count, failures = backend_totals.failures + excluded.failures';
