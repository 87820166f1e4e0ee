import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { sqlArray } from '../db/sql-literal.js';
import { shapedQuery } from '../query/query-shapes.js';
import { readResourceTotals, resourceTotalsSql } from '../query/resource-totals.js';
import { RESOURCE_CODE } from '../types.js';

/** The largest running total kept: every sum a read computes under it stays an exact JavaScript number. */
export const MAX_TOTAL = Number.MAX_SAFE_INTEGER;
/** PostgreSQL: slots each resource's total is split into; a connection adds to slot (its pid mod this). */
export const TOTAL_SLOTS = 16;
/** PostgreSQL: at or under this total a batch may admit against totals other writers are still adding to. */
const SHARED_CEILING = Math.floor(MAX_TOTAL / 2);
/**
 * pg_advisory_xact_lock keys are (this, resource): the two-int4 form, so the one-bigint locks (the
 * migrator's, the alert order's) live apart from them; one key per resource, so one resource's writers
 * never wait for another's.
 */
const LOCK_CLASS = 0x62796d74;
const STORAGE = RESOURCE_CODE.storage_used;

/** What admission needs of an event: a level report's amount is the level, an upper bound of its change. */
export interface TotalsEvent {
  resource: number;
  amount: number;
  isLevelReport: boolean;
}

/** PostgreSQL, per database: what the last batch read and how many transactions may run at once. */
interface SharedHints {
  lastTotals: Map<number, number>;
  writers: number;
}
const hints = new WeakMap<Kysely<Database>, SharedHints>();
/**
 * Batches whose attempt threw HeadroomSpent: their every later attempt runs exclusively. Keyed by the
 * batch's event list, which every caller's plan closure passes again, the same object, on each attempt of
 * one write; so the rerun is this batch's own, not a token another batch running meanwhile could take.
 */
const rerunExclusive = new WeakSet<object>();

/** Aborts a batch whose share of the headroom ran out mid-plan; SQLSTATE 40001 makes the runner rerun it. */
class HeadroomSpent extends Error {
  readonly code = '40001';
}

/**
 * The all-time total of each resource over every backend, read inside the batch's write transaction (so
 * another writer's events count). Any sum a read computes — one backend's or all backends' together, over
 * any range — is at most that total, so keeping it <= 2^53 - 1 keeps every read exact. storage_used is
 * signed: its bound is the sum of the backends' levels, of which every range's sum is a difference.
 *
 * SQLite: the write lock excludes every other writer; the batch adds to resource_totals. PostgreSQL: the
 * batch adds to its connection's slot (resource_total_slots: one of TOTAL_SLOTS, by backend pid, so
 * connections may share one), so writers do not all queue on one row, and admits each resource in one of
 * two modes, under a transaction-scoped advisory lock of that resource taken (in resource order) before the
 * totals are read, in a READ COMMITTED transaction (db/runner.ts) so the read sees every batch committed
 * before the lock was granted:
 * - shared (the lock in shared mode, any number of writers at once): only while the total read plus
 *   everything this batch adds stays <= SHARED_CEILING and this batch adds at most `quota` =
 *   (MAX_TOTAL - SHARED_CEILING) / W, W being the most transactions the server runs at once
 *   (max_connections + max_prepared_transactions). Take the committed writer with the latest snapshot:
 *   everything committed after it was in a transaction open at that snapshot, so at most W - 1 others
 *   added at most `quota` each beyond what it read, and no total passes MAX_TOTAL.
 * - exclusive (the lock alone): no shared writer of that resource runs; the exact check against MAX_TOTAL,
 *   as on SQLite.
 * Once a resource's total passes SHARED_CEILING, every batch with that resource runs exclusively on it for
 * good (totals only grow there, but for storage_used, whose levels may fall back); other resources' batches
 * are not affected. A batch adding more than its quota to a resource runs exclusively on it too.
 */
export class RunningTotals {
  private readonly totals = new Map<number, number>();
  /** What this batch added to each resource but storage_used (whose total is the levels' sum). */
  private readonly added = new Map<number, number>();
  /** Shared mode: the totals read, the increases admitted since, and the most one batch may add. */
  private shared: {
    /** The resources admitted under the shared lock. */
    resources: ReadonlySet<number>;
    read: ReadonlyMap<number, number>;
    grown: Map<number, number>;
    quota: number;
    batch: object;
  } | null = null;

  /**
   * SQLite (one writer at a time, so no lock): the totals of the resources the events add to. PostgreSQL
   * batches take their locks and totals inside the prelude script instead (`pgStatements`).
   */
  static *load(db: Kysely<Database>, events: Iterable<TotalsEvent>): Plan<RunningTotals> {
    const out = new RunningTotals();
    out.setTotals(yield* readResourceTotals(db, increaseBounds(events).keys()));
    return out;
  }

  /**
   * PostgreSQL, inside a script (db/pg-script.ts), as statements with their values written in: the
   * resources' advisory locks (shared or exclusive, in resource order) and, as the next statement (so
   * its snapshot is taken once the locks are held), the totals. `finish` takes the rows of exactly these
   * statements and checks them (HeadroomSpent reruns the batch exclusively).
   */
  static pgStatements(
    db: Kysely<Database>,
    events: Iterable<TotalsEvent>,
    batch: object,
  ): { statements: string[]; finish(rows: readonly unknown[][]): RunningTotals } {
    const bounds = increaseBounds(events);
    const resources = [...bounds.keys()].sort((a, b) => a - b);
    if (resources.length === 0) return { statements: [], finish: () => new RunningTotals() };
    const hint = hints.get(db) ?? { lastTotals: new Map(), writers: 0 };
    hints.set(db, hint);
    const rerun = rerunExclusive.has(batch);
    const fits = (r: number, totals: ReadonlyMap<number, number>) =>
      fitsShared(bounds.get(r)!, totals.get(r) ?? 0, hint.writers);
    const exclusive = new Set(resources.filter((r) => rerun || !fits(r, hint.lastTotals)));
    const locks = resources.map((r, i) => {
      const lock = exclusive.has(r) ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
      return `${lock}(${LOCK_CLASS}, ${r}) is null as locked_${i}`;
    });
    const statements = [
      `select ${locks.join(', ')}, current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int as writers`,
      resourceTotalsSql(resources),
    ];
    const finish = (rows: readonly unknown[][]): RunningTotals => {
      hint.writers = Number((rows[0]![0] as { writers: number }).writers);
      const totals = new Map(resources.map((r) => [r, 0]));
      for (const row of rows[1] as { resource: number; total: number }[])
        totals.set(Number(row.resource), Number(row.total));
      for (const [r, total] of totals) hint.lastTotals.set(r, total);
      if (resources.some((r) => !exclusive.has(r) && !fits(r, totals))) {
        rerunExclusive.add(batch);
        throw new HeadroomSpent('A total passed the shared ceiling; the batch reruns exclusively.');
      }
      const out = new RunningTotals();
      out.setTotals(totals);
      const shared = new Set(resources.filter((r) => !exclusive.has(r)));
      if (shared.size > 0) {
        out.shared = { resources: shared, read: totals, grown: new Map(), quota: quotaOf(hint.writers), batch };
      }
      return out;
    };
    return { statements, finish };
  }

  /** PostgreSQL, inside the final script: what `save` writes, as a statement with its values written in; null if nothing. */
  pgSaveStatement(): string | null {
    const changed = [...this.added].filter(([, amount]) => amount !== 0).sort((a, b) => a[0] - b[0]);
    if (changed.length === 0) return null;
    return `insert into resource_total_slots (resource, slot, total)
      select resource, (pg_backend_pid() % ${TOTAL_SLOTS})::smallint, total
      from unnest(${sqlArray(
        'smallint',
        changed.map(([r]) => r),
      )}, ${sqlArray(
        'bigint',
        changed.map(([, a]) => a),
      )}) as u(resource, total)
      on conflict (resource, slot) do update set total = resource_total_slots.total + excluded.total`;
  }

  /** The total of a resource before `amount` is added. */
  totalOf(resource: number): number {
    return this.totals.get(resource) ?? 0;
  }

  /** Adds `amount` (signed for storage_used) unless that would pass MAX_TOTAL; false, nothing added, if so. */
  admit(resource: number, amount: number): boolean {
    const total = this.totalOf(resource);
    if (total + amount > MAX_TOTAL) return false;
    if (this.shared?.resources.has(resource) && amount > 0) {
      // The bounds chose shared mode, so this holds unless a change outgrew its bound (a backdated level
      // report below an earlier dip): the batch then reruns exclusively rather than risk the limit.
      const grown = (this.shared.grown.get(resource) ?? 0) + amount;
      if (grown > this.shared.quota || (this.shared.read.get(resource) ?? 0) + grown > SHARED_CEILING) {
        rerunExclusive.add(this.shared.batch);
        throw new HeadroomSpent('A batch outgrew its share of the total headroom; it reruns exclusively.');
      }
      this.shared.grown.set(resource, grown);
    }
    this.totals.set(resource, total + amount);
    if (resource !== STORAGE) this.added.set(resource, (this.added.get(resource) ?? 0) + amount);
    return true;
  }

  /** SQLite: writes what this batch added, one statement for every resource it changed (PostgreSQL: pgSaveStatement). */
  *save(db: Kysely<Database>): Plan<void> {
    const changed = [...this.added].filter(([, amount]) => amount !== 0).sort((a, b) => a[0] - b[0]);
    if (changed.length === 0) return;
    yield* exec(
      shapedQuery(db, `totals:save:${changed.length}`, changed.flat(), (v) =>
        db
          .insertInto('resource_totals')
          .values(changed.map((_, i) => ({ resource: v(2 * i), total: v(2 * i + 1) })))
          .onConflict((oc) =>
            oc
              .column('resource')
              .doUpdateSet((eb) => ({ total: eb('resource_totals.total', '+', eb.ref('excluded.total')) })),
          ),
      ),
    );
  }

  private setTotals(totals: ReadonlyMap<number, number>): void {
    for (const [r, total] of totals) this.totals.set(r, total);
  }
}

/** The most each resource can grow by in a batch: positive changes, and each level report's level. */
function increaseBounds(events: Iterable<TotalsEvent>): Map<number, number> {
  const bounds = new Map<number, number>();
  for (const e of events) {
    const up = e.isLevelReport ? e.amount : Math.max(0, e.amount);
    bounds.set(e.resource, (bounds.get(e.resource) ?? 0) + up);
  }
  return bounds;
}

/** Whether a resource growing by at most `up` may run shared against `total` (W unknown yet: the ceiling). */
function fitsShared(up: number, total: number, writers: number): boolean {
  const quota = writers > 0 ? quotaOf(writers) : Number.POSITIVE_INFINITY;
  return up <= quota && total + up <= SHARED_CEILING;
}

function quotaOf(writers: number): number {
  return Math.floor((MAX_TOTAL - SHARED_CEILING) / writers);
}
