import { type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { RESOURCE_CODE } from '../types.js';

const STORAGE = RESOURCE_CODE.storage_used;

/**
 * The all-time total of each wanted resource over every backend: resource_totals' row plus every slot
 * PostgreSQL writers added to (migration 0010), and for storage_used the sum of the backends' levels.
 * The one place these totals are read; a resource never written reads 0. One statement, on both dialects.
 * @example const totals = yield* readResourceTotals(db, [RESOURCE_CODE.bandwidth_upload]);
 */
export function* readResourceTotals(db: Kysely<Database>, resources: Iterable<number>): Plan<Map<number, number>> {
  const wanted = [...new Set(resources)];
  const out = new Map(wanted.map((r) => [r, 0]));
  const adding = wanted.filter((r) => r !== STORAGE);
  const parts = [];
  if (adding.length > 0) {
    parts.push(
      db.selectFrom('resource_totals').select(['resource', 'total']).where('resource', 'in', adding),
      db.selectFrom('resource_total_slots').select(['resource', 'total']).where('resource', 'in', adding),
    );
  }
  if (out.has(STORAGE)) {
    parts.push(
      db
        .selectFrom('backend_state')
        .select([sql<number>`${sql.lit(STORAGE)}`.as('resource'), 'storage_level as total']),
    );
  }
  const [first, ...rest] = parts;
  if (!first) return out;
  const all = rest.reduce((union, part) => union.unionAll(part as typeof first), first);
  const rows = yield* exec(
    db
      .selectFrom(all.as('t'))
      .select(['t.resource', (eb) => eb.fn.sum<number | string>('t.total').as('total')])
      .groupBy('t.resource'),
  );
  // A sum is at most 2^53 - 1 (ingest keeps it so): PostgreSQL's numeric text converts exactly.
  for (const row of rows) out.set(Number(row.resource), Number(row.total));
  return out;
}
