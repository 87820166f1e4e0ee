import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { GRAINS } from '../rollup/grains.js';
import { type BackendType, RESOURCE_CODE } from '../types.js';
import { loadBackends } from './backends.js';

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

/** Day rollups: the coarsest grain, never pruned, updated in the same transaction as every flush. */
const DAY_GRAIN = GRAINS[GRAINS.length - 1]!.code;

/**
 * All-time totals of every backend, read from day rollups: one grouped scan returning at most
 * (backends × resources) rows, exact across restarts and raw-event retention because rollups are kept.
 * What a Prometheus scrape reads.
 */
export function* getBackendTotalsPlan(db: Kysely<Database>): Plan<BackendTotals[]> {
  const backends = yield* loadBackends(db);
  if (backends.length === 0) return [];
  const rows = yield* exec(
    db
      .selectFrom('rollups')
      .where('level', '=', DAY_GRAIN)
      .groupBy(['backend_id', 'resource'])
      .select((eb) => [
        'backend_id',
        'resource',
        eb.fn.sum<number>('total').as('total'),
        eb.fn.sum<number>('failures').as('failures'),
      ]),
  );
  const byId = new Map<number, BackendTotals>(
    backends.map((b) => [
      b.id,
      {
        backend: b.name,
        backendType: b.type,
        uploadBytes: 0,
        downloadBytes: 0,
        apiCalls: 0,
        failedApiCalls: 0,
        operationCostMicros: 0,
      },
    ]),
  );
  for (const row of rows) {
    const totals = byId.get(Number(row.backend_id));
    if (!totals) continue;
    const total = Number(row.total);
    switch (Number(row.resource)) {
      case RESOURCE_CODE.bandwidth_upload:
        totals.uploadBytes += total;
        break;
      case RESOURCE_CODE.bandwidth_download:
        totals.downloadBytes += total;
        break;
      case RESOURCE_CODE.api_calls:
        totals.apiCalls += total;
        totals.failedApiCalls += Number(row.failures);
        break;
      case RESOURCE_CODE.operation_cost:
        totals.operationCostMicros += total;
        break;
    }
  }
  return [...byId.values()];
}
