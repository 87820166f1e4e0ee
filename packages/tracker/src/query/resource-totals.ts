import { type Kysely, sql } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { RESOURCE_CODE } from '../types.js';
import { shapedQuery } from './query-shapes.js';

const STORAGE = RESOURCE_CODE.storage_used;

/**
 * The all-time total of each wanted resource over every backend: resource_totals' row plus every slot
 * PostgreSQL writers added to (migration 0010), and for storage_used the sum of the backends' levels.
 * The one place these totals are read; a resource never written reads 0. One statement, on both dialects,
 * compiled once per shape (how many resources, whether storage_used is among them).
 * @example const totals = yield* readResourceTotals(db, [RESOURCE_CODE.bandwidth_upload]);
 */
export function* readResourceTotals(db: Kysely<Database>, resources: Iterable<number>): Plan<Map<number, number>> {
  const wanted = [...new Set(resources)];
  const out = new Map(wanted.map((r) => [r, 0]));
  const adding = wanted.filter((r) => r !== STORAGE);
  const storage = out.has(STORAGE);
  if (adding.length === 0 && !storage) return out;
  const rows = yield* exec(
    shapedQuery(db, `totals:read:${adding.length}:${storage}`, adding, (v) => {
      const wantedHere = adding.map((_, i) => v(i));
      const parts = [];
      if (wantedHere.length > 0) {
        parts.push(
          db.selectFrom('resource_totals').select(['resource', 'total']).where('resource', 'in', wantedHere),
          db.selectFrom('resource_total_slots').select(['resource', 'total']).where('resource', 'in', wantedHere),
        );
      }
      if (storage) {
        parts.push(
          db
            .selectFrom('backend_state')
            .select([sql<number>`${sql.lit(STORAGE)}`.as('resource'), 'storage_level as total']),
        );
      }
      const [first, ...rest] = parts;
      const all = rest.reduce((union, part) => union.unionAll(part as NonNullable<typeof first>), first!);
      return db
        .selectFrom(all.as('t'))
        .select(['t.resource', (eb) => eb.fn.sum<number | string>('t.total').as('total')])
        .groupBy('t.resource');
    }),
  );
  // A sum is at most 2^53 - 1 (ingest keeps it so): PostgreSQL's numeric text converts exactly.
  for (const row of rows) out.set(Number(row.resource), Number(row.total));
  return out;
}

/**
 * PostgreSQL, for a script (db/pg-script.ts): readResourceTotals' statement with the resources written in
 * (small integers); its rows are (resource, total), a resource never written missing.
 */
export function resourceTotalsSql(resources: readonly number[]): string {
  const adding = [...new Set(resources)].filter((r) => r !== STORAGE);
  const parts: string[] = [];
  if (adding.length > 0) {
    const list = adding.map((r) => String(Math.trunc(r))).join(', ');
    parts.push(`select resource, total from resource_totals where resource in (${list})`);
    parts.push(`select resource, total from resource_total_slots where resource in (${list})`);
  }
  if (resources.includes(STORAGE))
    parts.push(`select ${STORAGE}::smallint as resource, storage_level as total from backend_state`);
  if (parts.length === 0) return 'select 1 where false';
  return `select t.resource, sum(t.total) as total from (${parts.join(' union all ')}) as t group by t.resource`;
}
