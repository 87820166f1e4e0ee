import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { readResourceTotals } from '../query/resource-totals.js';
import { RESOURCE_CODE } from '../types.js';

/** The largest running total kept: every sum a read computes under it stays an exact JavaScript number. */
export const MAX_TOTAL = Number.MAX_SAFE_INTEGER;
/** PostgreSQL: slots each resource's total is split into; a connection adds to slot (its pid mod this). */
export const TOTAL_SLOTS = 16;
/** PostgreSQL: at or under this total a batch may admit against totals other writers are still adding to. */
const SHARED_CEILING = Math.floor(MAX_TOTAL / 2);
/** pg_advisory_xact_lock key (the two-int4 form: the migrator's one-bigint lock lives apart from it). */
const LOCK_KEY = sql`${sql.lit(0x62796d74)}, ${sql.lit(1)}`;
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
  /** Batches to run exclusively next: one that found a bound broken mid-plan retries that way. */
  exclusiveNext: number;
}
const hints = new WeakMap<Kysely<Database>, SharedHints>();

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
 * batch adds to its connection's slot (resource_total_slots), so writers do not queue on one row, and
 * admits in one of two modes, chosen under a transaction-scoped advisory lock taken before the totals are
 * read:
 * - shared (the lock in shared mode, any number of writers at once): only while the total read plus
 *   everything this batch adds stays <= SHARED_CEILING and this batch adds at most `quota` =
 *   (MAX_TOTAL - SHARED_CEILING) / W, W being the most transactions the server runs at once
 *   (max_connections + max_prepared_transactions). Take the committed writer with the latest snapshot:
 *   everything committed after it was in a transaction open at that snapshot, so at most W - 1 others
 *   added at most `quota` each beyond what it read, and no total passes MAX_TOTAL.
 * - exclusive (the lock alone): no shared writer runs; the exact check against MAX_TOTAL, as on SQLite.
 * Near the limit, or for a batch adding more than its quota, every batch runs exclusively.
 */
export class RunningTotals {
  private readonly totals = new Map<number, number>();
  /** What this batch added to each resource but storage_used (whose total is the levels' sum). */
  private readonly added = new Map<number, number>();
  /** Shared mode: the totals read, the increases admitted since, and the most one batch may add. */
  private shared: {
    read: ReadonlyMap<number, number>;
    grown: Map<number, number>;
    quota: number;
    hint: SharedHints;
  } | null = null;

  static *load(db: Kysely<Database>, events: Iterable<TotalsEvent>): Plan<RunningTotals> {
    const out = new RunningTotals();
    const bounds = increaseBounds(events);
    if (!isPostgres(db)) {
      out.setTotals(yield* readResourceTotals(db, bounds.keys()));
      return out;
    }
    const hint = hints.get(db) ?? { lastTotals: new Map(), writers: 0, exclusiveNext: 0 };
    hints.set(db, hint);
    const exclusive = hint.exclusiveNext > 0 || !fitsShared(bounds, hint.lastTotals, hint.writers);
    if (exclusive) hint.exclusiveNext = Math.max(0, hint.exclusiveNext - 1);
    hint.writers = yield* lockTotals(db, exclusive);
    const totals = yield* readResourceTotals(db, bounds.keys());
    for (const [r, total] of totals) hint.lastTotals.set(r, total);
    if (!exclusive && !fitsShared(bounds, totals, hint.writers)) {
      // Taking the exclusive lock while holding the shared one would deadlock with any other batch doing
      // the same (found only after deadlock_timeout): the batch reruns instead, exclusive from the start
      // since the totals just read are past the ceiling.
      throw new HeadroomSpent('The totals passed the shared ceiling; the batch reruns exclusively.');
    }
    out.setTotals(totals);
    if (!exclusive) out.shared = { read: totals, grown: new Map(), quota: quotaOf(hint.writers), hint };
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
    if (this.shared && amount > 0) {
      // The bounds chose shared mode, so this holds unless a change outgrew its bound (a backdated level
      // report below an earlier dip): the batch then reruns exclusively rather than risk the limit.
      const grown = (this.shared.grown.get(resource) ?? 0) + amount;
      if (grown > this.shared.quota || (this.shared.read.get(resource) ?? 0) + grown > SHARED_CEILING) {
        this.shared.hint.exclusiveNext += 1;
        throw new HeadroomSpent('A batch outgrew its share of the total headroom; it reruns exclusively.');
      }
      this.shared.grown.set(resource, grown);
    }
    this.totals.set(resource, total + amount);
    if (resource !== STORAGE) this.added.set(resource, (this.added.get(resource) ?? 0) + amount);
    return true;
  }

  /** Writes what this batch added: one statement for every resource it changed. */
  *save(db: Kysely<Database>): Plan<void> {
    const changed = [...this.added].filter(([, amount]) => amount !== 0).sort((a, b) => a[0] - b[0]);
    if (changed.length === 0) return;
    if (isPostgres(db)) {
      // Slots in resource order, so two connections sharing a slot lock its rows in the same order.
      yield* exec(
        sql`insert into resource_total_slots (resource, slot, total)
          select resource, (pg_backend_pid() % ${sql.lit(TOTAL_SLOTS)})::smallint, total
          from unnest(${changed.map(([r]) => r)}::smallint[], ${changed.map(([, a]) => a)}::bigint[]) as u(resource, total)
          on conflict (resource, slot) do update set total = resource_total_slots.total + excluded.total`.compile(db),
      );
      return;
    }
    yield* exec(
      db
        .insertInto('resource_totals')
        .values(changed.map(([resource, total]) => ({ resource, total })))
        .onConflict((oc) =>
          oc
            .column('resource')
            .doUpdateSet((eb) => ({ total: eb('resource_totals.total', '+', eb.ref('excluded.total')) })),
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

/** Whether a batch growing by `bounds` may run shared against `totals` (W unknown yet: only the ceiling). */
function fitsShared(bounds: ReadonlyMap<number, number>, totals: ReadonlyMap<number, number>, writers: number) {
  const quota = writers > 0 ? quotaOf(writers) : Number.POSITIVE_INFINITY;
  for (const [r, up] of bounds) {
    if (up > quota || (totals.get(r) ?? 0) + up > SHARED_CEILING) return false;
  }
  return true;
}

function quotaOf(writers: number): number {
  return Math.floor((MAX_TOTAL - SHARED_CEILING) / writers);
}

/** Takes the totals' advisory lock for this transaction; returns W, the most transactions run at once. */
function* lockTotals(db: Kysely<Database>, exclusive: boolean): Plan<number> {
  const lock = exclusive ? sql.raw('pg_advisory_xact_lock') : sql.raw('pg_advisory_xact_lock_shared');
  const rows = yield* exec(
    sql<{ writers: number }>`select ${lock}(${LOCK_KEY}) is null as locked,
      current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int as writers`.compile(
      db,
    ),
  );
  return Number(rows[0]!.writers);
}
