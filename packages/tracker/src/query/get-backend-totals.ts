import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { type BackendType, RESOURCE_CODE } from '../types.js';
import { shapedQuery } from './query-shapes.js';

/** Everything one backend has recorded since its first event: counters that only ever go up. */
export interface BackendTotals {
  backend: string;
  backendType: BackendType;
  uploadBytes: number;
  downloadBytes: number;
  /** Sum of api_calls amounts (what usageSummary's `apiCalls` sums over a period). */
  apiCalls: number;
  /** api_calls events recorded with `success: false`. */
  failedApiCalls: number;
  operationCostMicros: number;
}

/**
 * All-time totals of every backend, read from backend_totals (migration 0013): the sum of each backend's day
 * rollups of the counted resources, added to in the transaction of every batch that adds to the rollups. One
 * statement returning at most backends × 4 rows, whatever the history's length; exact across restarts and
 * raw-event retention (rollups and these totals are kept). What a Prometheus scrape reads.
 */
export function* getBackendTotalsPlan(db: Kysely<Database>): Plan<BackendTotals[]> {
  const rows = yield* exec(
    shapedQuery(db, 'backend-totals', [], () =>
      db
        .selectFrom('backends')
        .leftJoin('backend_totals', 'backend_totals.backend_id', 'backends.id')
        .select([
          'backends.id',
          'backends.name',
          'backends.type',
          'backend_totals.resource',
          'backend_totals.total',
          'backend_totals.failures',
        ])
        .orderBy('backends.name'),
    ),
  );
  const byId = new Map<number, BackendTotals>();
  for (const row of rows) {
    const id = Number(row.id);
    let totals = byId.get(id);
    if (!totals) {
      totals = {
        backend: row.name,
        backendType: row.type as BackendType,
        uploadBytes: 0,
        downloadBytes: 0,
        apiCalls: 0,
        failedApiCalls: 0,
        operationCostMicros: 0,
      };
      byId.set(id, totals);
    }
    if (row.resource === null) continue;
    const total = Number(row.total);
    switch (Number(row.resource)) {
      case RESOURCE_CODE.bandwidth_upload:
        totals.uploadBytes = total;
        break;
      case RESOURCE_CODE.bandwidth_download:
        totals.downloadBytes = total;
        break;
      case RESOURCE_CODE.api_calls:
        totals.apiCalls = total;
        totals.failedApiCalls = Number(row.failures);
        break;
      case RESOURCE_CODE.operation_cost:
        totals.operationCostMicros = total;
        break;
    }
  }
  return [...byId.values()];
}
