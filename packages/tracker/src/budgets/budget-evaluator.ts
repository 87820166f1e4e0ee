// When budgets are evaluated: after a flush or ingestBatch commits, this process's or another's (seen by
// foreign-commits.ts within about a second), and after setBudget, at most once per
// `intervalMs` per process, from rollup totals, off the recording path. A request during an evaluation
// runs one more after it, so the last write is always evaluated; close() runs what is still due.

import type { BudgetAlert } from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import type { Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { Resolution } from '../rollup/grains.js';
import { periodRange } from '../time/zone.js';
import { loadBudgets, lockBudgetWrites, type StoredBudget } from './budget-store.js';
import { type BudgetValue, readBudgetValues } from './budget-values.js';
import {
  type AlertCandidate,
  alertKey,
  evaluateStorage,
  liveBudgets,
  loadArms,
  monthlyCandidates,
  raiseAlerts,
  storageReadings,
  storageTransitions,
  storedAlertKeys,
  unarmed,
} from './evaluate-plan.js';

/**
 * After a write only the budgets it may have moved are evaluated (of the backends written, and those of
 * every backend); all of them at most this often, so forecasts that move with time and other processes'
 * plan changes are seen too.
 */
export const FULL_EVALUATION_MS = 60_000;

/** After a failed evaluation the next is tried this much later at the soonest (no loop hammering a failing store). */
export const RETRY_AFTER_FAILURE_MS = 1000;

/** A backfill reaches back at most this many billing months (older months' alerts would be news to nobody). */
export const MAX_BACKFILL_MONTHS = 12;

export interface EvaluatorParts {
  db: Kysely<Database>;
  runner: Runner;
  /** Resolves once the schema is migrated. */
  ready: Promise<void>;
  clock: () => number;
  resolution(now: number): Resolution;
  intervalMs: number;
  /** Alerts this process raised, after their transaction committed. */
  raised(alerts: readonly BudgetAlert[]): void;
  /** An evaluation failed (reported, never thrown into recording). */
  failed(error: Error): void;
}

export class BudgetEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastRun = 0;
  /** Earliest event time written since the last evaluation: months before the current one to look at. */
  private dirtyFrom = Number.POSITIVE_INFINITY;
  /** Backends written since the last evaluation. */
  private touched = new Set<string>();
  /** Writes may have gone unseen (a LISTEN connection re-opened): the next run evaluates every budget. */
  private everything = false;
  private lastFull = 0;
  /** No retry before this (Date.now() time): set when an evaluation failed. */
  private retryAt = 0;
  /** The last evaluation failed: what it covered is still due. */
  private failedLast = false;
  private closed = false;

  /** Every budget once a minute even without writes here: forecasts move with time, and other processes'
   * budget changes are seen. (This pass reads current months only: writes into earlier months reach the
   * evaluator as noted writes, this process's own or other processes' through foreign-commits.ts.) */
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly parts: EvaluatorParts) {
    this.ticker = setInterval(() => this.request(), FULL_EVALUATION_MS);
    this.ticker.unref();
  }

  /**
   * Events of these backends dated from `ts` on were written: their budgets are evaluated, in their
   * billing months too, not only the current one.
   */
  noteWritten(ts: number, backends: Iterable<string>): void {
    if (ts < this.dirtyFrom) this.dirtyFrom = ts;
    for (const name of backends) this.touched.add(name);
  }

  /** Commits may have been missed: the next evaluation takes every budget, not only those of backends written. */
  noteEverything(): void {
    this.everything = true;
  }

  /** Asks for an evaluation: at once if none ran in the last interval, else when the interval ends. */
  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const delay = Math.max(0, this.lastRun + this.parts.intervalMs - Date.now(), this.retryAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delay);
    this.timer.unref();
  }

  /** Runs an evaluation now (after the one running, if any); resolves with what it raised. */
  async evaluateNow(): Promise<BudgetAlert[]> {
    if (this.running) await this.running;
    let raised: BudgetAlert[] = [];
    this.lastFull = 0;
    await this.run((alerts) => {
      raised = alerts;
    });
    return raised;
  }

  /** Runs what is still requested, then stops. */
  async close(): Promise<void> {
    // Closed first: an evaluation ending meanwhile (again, or failed) schedules nothing; this runs it.
    this.closed = true;
    const due = this.timer !== null || this.again;
    clearInterval(this.ticker);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    if (due || this.again || this.failedLast) await this.run();
  }

  private run(report?: (alerts: BudgetAlert[]) => void): Promise<void> {
    this.again = false;
    this.lastRun = Date.now();
    const from = this.dirtyFrom;
    this.dirtyFrom = Number.POSITIVE_INFINITY;
    const full = Date.now() - this.lastFull >= FULL_EVALUATION_MS;
    if (full) this.lastFull = Date.now();
    const touched = full || this.everything ? null : this.touched;
    this.touched = new Set();
    this.everything = false;
    const run = this.parts.ready
      .then(() => this.evaluate(from, touched))
      .then(
        (alerts) => {
          this.failedLast = false;
          if (alerts.length > 0) this.parts.raised(alerts);
          report?.(alerts);
        },
        (error: unknown) => {
          // The months to look at stay due, of every budget, and are tried again soon (not at the minute's
          // full pass: a transient error, a busy database, must not hold an alert back that long).
          if (from < this.dirtyFrom) this.dirtyFrom = from;
          this.lastFull = 0;
          // Warned once per episode: a database that stays down is retried every second, not warned about.
          if (!this.failedLast) this.parts.failed(error as Error);
          this.failedLast = true;
          this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
        },
      )
      .finally(() => {
        this.running = null;
        if (this.again || this.failedLast) this.request();
      });
    this.running = run;
    return run;
  }

  /** One evaluation: values read in one snapshot; a write transaction only when something may be due. */
  private async evaluate(dirtyFrom: number, touched: ReadonlySet<string> | null): Promise<BudgetAlert[]> {
    const { db, runner } = this.parts;
    const now = this.parts.clock();
    const res = this.parts.resolution(now);
    const read = await runner.read(function* () {
      const budgets = (yield* loadBudgets(db)).filter(
        (b) => touched === null || b.backend === null || touched.has(b.backend),
      );
      if (budgets.length === 0) return null;
      const monthly = budgets.filter((b) => b.metric !== 'storage_level');
      const storage = budgets.filter((b) => b.metric === 'storage_level');
      const values: { budget: StoredBudget; value: BudgetValue }[] = [];
      const current = yield* readBudgetValues(db, monthly, null, now, res);
      for (const b of monthly) values.push({ budget: b, value: current.get(b.id)! });
      // A backfill: the earlier billing months its events fell in are evaluated too (no forecasts there),
      // each zone's budgets at its own months only.
      for (const { at, budgets: inZone } of backfillReads(monthly, dirtyFrom, now)) {
        const past = yield* readBudgetValues(db, inZone, at, now, res);
        for (const b of inZone) values.push({ budget: b, value: past.get(b.id)! });
      }
      const periodKeys = [...new Set(values.flatMap((v) => (v.value.month ? [v.value.month.start] : [])))];
      const stored = yield* storedAlertKeys(
        db,
        monthly.map((b) => b.id),
        periodKeys,
      );
      const due = values.some(({ budget, value }) => monthlyCandidates(budget, value, stored).length > 0);
      // Storage quotas: a write when a level (the extremes kept since the last evaluation, or the level now)
      // calls for a transition, or a quota has no arm rows yet (its first evaluation creates them: from then
      // on the extremes kept are judged for it). Extremes that call for nothing are left for the next one:
      // the arm states they were judged against change only when they are consumed.
      const arms = yield* loadArms(db, storage, false);
      const { levels } = yield* storageReadings(db, storage, false);
      const storageDue = storageTransitions(storage, levels, arms).length > 0 || unarmed(storage, arms).length > 0;
      return { values, stored, due, storage: storageDue ? storage : [] };
    });
    if (read === null || (!read.due && read.storage.length === 0)) return [];
    const { values, stored, storage } = read;
    const raisedAt = this.parts.clock();
    return runner.write(function* () {
      // The lock first, before evaluateStorage locks arm rows: every transaction that may raise an alert
      // locks in one order (lock, then rows), so two evaluations (one with monthly alerts to raise, one
      // with only a storage quota's) cannot each hold what the other waits for (lockBudgetWrites).
      yield* lockBudgetWrites(db);
      // The alerts are built from the definitions stored now, under the lock: a budget deleted since the
      // read raises nothing, one edited or set again raises what its current definition calls for.
      const current = yield* liveBudgets(db, [...values.map((v) => v.budget.id), ...storage.map((b) => b.id)]);
      const monthly = yield* raiseAlerts(db, currentCandidates(values, current, stored), raisedAt);
      const quotas = yield* evaluateStorage(
        db,
        storage.flatMap((b) => {
          const c = current.get(b.id);
          return c?.metric === 'storage_level' ? [c] : [];
        }),
        raisedAt,
      );
      return [...monthly, ...quotas];
    });
  }
}

/**
 * The alerts values read before the lock call for under the budgets' current definitions (liveBudgets),
 * each once by its key. A value is used for the current definition only if it measures what that one
 * measures (metric, backend, zone: the revision, the limit, the thresholds, the forecast flag, the name and
 * the webhook may all have changed, the candidates are built from the current ones), and a value of an
 * earlier billing month (a backfill) only if the current definition began before that month ended
 * (backfillReads). Values of budgets deleted since, or redefined to measure something else, call for none:
 * the set or delete that changed them asks for an evaluation of its own.
 */
export function currentCandidates(
  values: readonly { budget: StoredBudget; value: BudgetValue }[],
  current: ReadonlyMap<string, StoredBudget>,
  stored: ReadonlySet<string>,
): AlertCandidate[] {
  const candidates = new Map<string, AlertCandidate>();
  for (const { budget: read, value } of values) {
    const budget = current.get(read.id);
    if (budget === undefined || value.month === null) continue;
    if (budget.metric !== read.metric || budget.backend !== read.backend || budget.timezone !== read.timezone) continue;
    // A month that ended before this definition began is not its own (StoredBudget.revisedAt), whatever the
    // clock said when the values were read: a set may land between the month's end and this lock.
    if (budget.revisedAt >= value.month.end) continue;
    for (const c of monthlyCandidates(budget, value, stored)) {
      candidates.set(alertKey(budget.id, budget.revision, c.periodKey, c.threshold, c.kind), c);
    }
  }
  return [...candidates.values()];
}

/** One read of a backfill: budgets of one zone at an instant inside one of their earlier billing months. */
export interface BackfillRead {
  at: number;
  budgets: StoredBudget[];
}

/**
 * The reads a backfill calls for: for each zone, its budgets at the start of each billing month before its
 * current one that written events fell in (by the earliest event time written), at most MAX_BACKFILL_MONTHS
 * back. One read per zone and month (zones × months), never one zone's budgets at another zone's months.
 * A budget is read only at months that ended after its current definition began (revisedAt: creation, or
 * the last set that changed what it measures or alerts on): a budget set (or redefined) today, then an event
 * backfilled into last year, must not alert for every month since that passed its line before it existed.
 */
export function backfillReads(budgets: readonly StoredBudget[], dirtyFrom: number, now: number): BackfillRead[] {
  if (!Number.isFinite(dirtyFrom)) return [];
  const reads: BackfillRead[] = [];
  for (const zone of new Set(budgets.map((b) => b.timezone))) {
    const inZone = budgets.filter((b) => b.timezone === zone);
    let start = periodRange(now, 'month', zone).from;
    for (let i = 0; i < MAX_BACKFILL_MONTHS && dirtyFrom < start; i++) {
      const end = start;
      start = periodRange(start - 1, 'month', zone).from;
      const existed = inZone.filter((b) => b.revisedAt < end);
      // Earlier months ended earlier still: none of these budgets existed then either.
      if (existed.length === 0) break;
      reads.push({ at: start, budgets: existed });
    }
  }
  return reads;
}
