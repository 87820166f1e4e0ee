import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { RESOURCE_CODE } from '../types.js';

/** The largest running total kept: every sum a read computes under it stays an exact JavaScript number. */
export const MAX_TOTAL = Number.MAX_SAFE_INTEGER;
const STORAGE = RESOURCE_CODE.storage_used;

/**
 * The all-time total of each resource over every backend, read inside the batch's write transaction (so
 * another writer's events count). Any sum a read computes — one backend's or all backends' together, over
 * any range — is at most that total, so keeping it <= 2^53 - 1 keeps every read exact. storage_used is
 * signed: its bound is the sum of the backends' levels, of which every range's sum is a difference.
 */
export class RunningTotals {
  private readonly totals = new Map<number, number>();
  private readonly changed = new Set<number>();

  static *load(db: Kysely<Database>, resources: Iterable<number>): Plan<RunningTotals> {
    const out = new RunningTotals();
    const wanted = [...new Set(resources)];
    for (const r of wanted) out.totals.set(r, 0);
    const adding = wanted.filter((r) => r !== STORAGE).sort((a, b) => a - b);
    if (adding.length > 0) {
      let query = db.selectFrom('resource_totals').selectAll().where('resource', 'in', adding).orderBy('resource');
      if (isPostgres(db)) {
        // Concurrent batches would each admit against the same total: the rows are locked (created first so
        // there is a row to lock), in resource order, until commit. SQLite's write lock does this already.
        yield* exec(
          db
            .insertInto('resource_totals')
            .values(adding.map((resource) => ({ resource, total: 0 })))
            .onConflict((oc) => oc.column('resource').doNothing()),
        );
        query = query.forUpdate();
      }
      const rows = yield* exec(query);
      for (const row of rows) out.totals.set(Number(row.resource), Number(row.total));
    }
    if (wanted.includes(STORAGE)) {
      const row = yield* exec(
        db.selectFrom('backend_state').select((eb) => eb.fn.sum<number | string | null>('storage_level').as('sum')),
      );
      out.totals.set(STORAGE, Number(row[0]?.sum ?? 0));
    }
    return out;
  }

  /** The total of a resource before `amount` is added. */
  totalOf(resource: number): number {
    return this.totals.get(resource) ?? 0;
  }

  /** Adds `amount` (signed for storage_used) unless that would pass MAX_TOTAL; false, nothing added, if so. */
  admit(resource: number, amount: number): boolean {
    const total = this.totalOf(resource);
    if (total + amount > MAX_TOTAL) return false;
    this.totals.set(resource, total + amount);
    if (resource !== STORAGE) this.changed.add(resource);
    return true;
  }

  /** Writes the totals this batch changed. */
  *save(db: Kysely<Database>): Plan<void> {
    for (const resource of this.changed) {
      const total = this.totals.get(resource)!;
      yield* exec(
        db
          .insertInto('resource_totals')
          .values({ resource, total })
          .onConflict((oc) => oc.column('resource').doUpdateSet({ total })),
      );
    }
  }
}
