// Commits of OTHER processes (another tracker, the CLI, the synchronous exit write of a process that is
// ending) reach this process's budget evaluator within about a second, so their alerts are on time too:
// a process that writes and exits cannot evaluate what it wrote (its exit hook cannot await), and without
// this the next full pass (every FULL_EVALUATION_MS) was the first to see it.

import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { PgListener } from '../db/pg-listener.js';
import { exec, type Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { EVENTS_CHANNEL, type IdRange, parseIdRanges, parseRollupsOnly } from '../feed/event-notify.js';
import { FULL_EVALUATION_MS } from './budget-evaluator.js';

/** How often a watching process looks for other processes' commits (SQLite) or handles those notified (PostgreSQL). */
export const FOREIGN_COMMIT_POLL_MS = 1000;

/** More notified id ranges than this are read as the one range spanning them (a superset: a few extra backends). */
const MAX_RANGES_PER_READ = 100;

/** How a store tells this process that another connection committed. */
export type CommitSignal =
  /** SQLite: the connection's `PRAGMA data_version`, which moves only when another connection commits. */
  | { kind: 'data-version'; read: () => number }
  /** PostgreSQL: every write transaction notifies the ids of the events it inserted (feed/event-notify.ts). */
  | { kind: 'notify'; url: string };

export interface ForeignCommitParts {
  db: Kysely<Database>;
  runner: Runner;
  ready: Promise<void>;
  signal: CommitSignal;
  pollMs?: number;
  /** Events of these backends dated from `minTs` on were committed by some process. */
  written(minTs: number, backends: Iterable<string>): void;
  /** Commits may have been missed (a LISTEN connection was re-opened): every budget is due. */
  missed(): void;
  /**
   * Events were committed that cannot be told apart by backend (no new row to read: stored in rollups
   * only, or ids reused): every budget is due, its billing months from `minTs` on when that is known.
   */
  unattributed(minTs: number | null): void;
  failed(error: Error): void;
}

/**
 * Watches for other processes' event commits while the database has budgets (checked at start, when this
 * process sets one, and every FULL_EVALUATION_MS otherwise), and hands the backends and earliest event
 * time they wrote to the evaluator. Nothing here runs on the recording path: SQLite's probe is one pragma
 * a second on the idle connection (own commits do not move it), PostgreSQL's is a LISTEN connection.
 * Neither the timer nor the LISTEN socket keeps a process alive.
 *
 * What is found is read from the raw events (by id). Events older than the raw retention are stored in
 * rollups only, so no row tells of them: PostgreSQL's writer notifies their earliest time instead
 * (rollupsOnlyPayload), and every budget is evaluated from then. SQLite has no such message: a foreign
 * commit that added no row past the watermark, or after which the newest id is below it (retention deleted
 * the newest rows and SQLite hands their ids out again), makes every budget due in its current month only.
 * Left uncovered there: events in an earlier billing month and older than the raw retention, written on
 * SQLite by another process, are evaluated in that month only by the writing process's own evaluator (after
 * its flush or ingestBatch; never for the synchronous exit write), not here nor by the full pass. And ids
 * reused and then grown past the watermark between two looks (a second) are read only from the watermark on.
 */
export class ForeignCommits {
  private readonly timer: NodeJS.Timeout;
  /** Watching: set only once the watermark (SQLite) or LISTEN (PostgreSQL) is in place. */
  private active = false;
  private lastBudgetCheck = Number.NEGATIVE_INFINITY;
  /** This process stored a budget: the next tick starts watching without asking the database. */
  private startWanted = false;
  /** The tick running, if any: one at a time, and close() waits for it. */
  private running: Promise<void> | null = null;
  private closed = false;
  /** SQLite: the data_version last seen, and the newest event id read up to. */
  private version: number | null = null;
  private watermark = 0;
  /** PostgreSQL: the listener, and the ranges notified since the last read. */
  private readonly listener: PgListener | null = null;
  private notified: IdRange[] = [];
  /** PostgreSQL: the earliest time of events notified as stored in rollups only since the last look. */
  private rollupsFrom = Number.POSITIVE_INFINITY;
  /** The listening connection last opened (its socket unref'd). */
  private client: object | null = null;

  constructor(private readonly parts: ForeignCommitParts) {
    const { signal } = parts;
    if (signal.kind === 'notify') {
      this.listener = new PgListener(
        signal.url,
        EVENTS_CHANNEL,
        (payload) => {
          const from = parseRollupsOnly(payload);
          if (from === null) this.notified.push(...parseIdRanges(payload));
          else this.rollupsFrom = Math.min(this.rollupsFrom, from);
        },
        () => {},
        async (client, again) => {
          // The socket must not keep a script alive (the pool's idle connections do not either).
          setSocketRef(client, false);
          this.client = client;
          if (again) this.parts.missed();
        },
      );
    }
    this.timer = setInterval(() => void this.tick(), parts.pollMs ?? FOREIGN_COMMIT_POLL_MS);
    this.timer.unref();
  }

  /** This process stored a budget: start watching now rather than at the next check. */
  budgetsExist(): void {
    if (this.closed || this.active) return;
    this.startWanted = true;
    // Under the same one-at-a-time rule as the timer's ticks (a tick running now leaves it to the next).
    void this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    // Held again while it ends: `await tracker.close()` as a script's last step must not leave the process
    // with nothing but an unref'd socket to wait on (Node would exit with an unsettled await).
    if (this.client) setSocketRef(this.client, true);
    // A tick under way ends first (it stops at its next await and reports nothing), so nothing reads the
    // database or the listener after they close.
    await this.running;
    await this.listener?.close();
  }

  private tick(): Promise<void> {
    if (this.running || this.closed) return Promise.resolve();
    const running = this.step()
      .catch((error: unknown) => {
        if (!this.closed) this.parts.failed(error as Error);
      })
      .finally(() => {
        this.running = null;
      });
    this.running = running;
    return running;
  }

  private async step(): Promise<void> {
    await this.parts.ready;
    if (this.closed) return;
    if (!this.active) {
      if (!this.startWanted) {
        if (Date.now() - this.lastBudgetCheck < FULL_EVALUATION_MS) return;
        this.lastBudgetCheck = Date.now();
        if (!(await this.hasBudgets()) || this.closed) return;
      }
      this.startWanted = false;
      this.lastBudgetCheck = Date.now();
      await this.start();
      return;
    }
    await this.look();
  }

  private async hasBudgets(): Promise<boolean> {
    const { db, runner } = this.parts;
    const rows = await runner.read(() => exec(db.selectFrom('budgets').select('id').limit(1)));
    return rows.length > 0;
  }

  /** From here on, commits are looked at: SQLite from the newest event now, PostgreSQL from LISTEN on. */
  private async start(): Promise<void> {
    if (this.parts.signal.kind === 'data-version') {
      // The watermark first and no data_version yet: the first look reads every id past the watermark, so
      // a commit landing between the two reads is read then, not taken as seen.
      this.watermark = await this.newestId();
      this.version = null;
    } else {
      await this.listener!.ready();
    }
    if (!this.closed) this.active = true;
  }

  /** SQLite: the newest event id (0 with no events). */
  private async newestId(): Promise<number> {
    const { db, runner } = this.parts;
    const [row] = await runner.read(() => exec(db.selectFrom('events').select(sql<number | null>`max(id)`.as('id'))));
    return Number(row?.id ?? 0);
  }

  /** One look: what other processes committed since the last. */
  private async look(): Promise<void> {
    const { signal } = this.parts;
    if (signal.kind === 'data-version') {
      const version = signal.read();
      if (version === this.version) return;
      const newest = await this.newestId();
      if (this.closed) return;
      if (newest < this.watermark) {
        // The newest rows were deleted (retention) and their ids may be handed out again: reading from the
        // old watermark would skip them. What was written cannot be told: every budget is due.
        this.watermark = newest;
        this.parts.unattributed(null);
      } else {
        // Ids after the watermark: SQLite hands them out in commit order, so none is skipped. Own events
        // written since are among them (their budgets were evaluated already; evaluating again costs a read).
        const found = await this.report([[this.watermark + 1, Number.MAX_SAFE_INTEGER]]);
        if (this.closed) return;
        // A commit with no new row: perhaps events stored in rollups only (older than the raw retention);
        // also any other write (an alert, a budget, retention), which costs one evaluation of them all.
        if (!found) this.parts.unattributed(null);
      }
      // Only once read: a read that failed is tried again at the next look.
      this.version = version;
      return;
    }
    // Re-opens a connection that broke (`missed` then makes every budget due).
    if (!this.listener!.listening) await this.listener!.ready();
    if (this.closed) return;
    if (Number.isFinite(this.rollupsFrom)) {
      const from = this.rollupsFrom;
      this.rollupsFrom = Number.POSITIVE_INFINITY;
      this.parts.unattributed(from);
    }
    if (this.notified.length === 0) return;
    const ranges = this.notified;
    this.notified = [];
    try {
      await this.report(ranges.length > MAX_RANGES_PER_READ ? [spanOf(ranges)] : ranges);
    } catch (error) {
      // Kept for the next look, ahead of what was notified meanwhile.
      this.notified = [...ranges, ...this.notified];
      throw error;
    }
  }

  /**
   * Reads which backends the events of these id ranges belong to, and the earliest event time, in one
   * snapshot: the span and the distinct backend ids as two scans of the id range (a GROUP BY with the
   * aggregates costs about four times as much in SQLite: a temporary b-tree), then their names.
   */
  private async report(ranges: readonly IdRange[]): Promise<boolean> {
    const { db, runner } = this.parts;
    const found = await runner.read(function* () {
      const inRanges = (eb: ExpressionBuilder<Database, 'events'>) =>
        eb.or(ranges.map(([lo, hi]) => eb.between('id', lo, hi)));
      const [span] = yield* exec(
        db
          .selectFrom('events')
          .where(inRanges)
          .select([sql<number | null>`min(ts)`.as('from_ts'), sql<number | null>`max(id)`.as('last_id')]),
      );
      if (span?.from_ts === null || span?.from_ts === undefined) return null;
      const ids = yield* exec(db.selectFrom('events').where(inRanges).select('backend_id').distinct());
      const names = yield* exec(
        db
          .selectFrom('backends')
          .select('name')
          .where(
            'id',
            'in',
            ids.map((r) => r.backend_id),
          ),
      );
      return { from: Number(span.from_ts), lastId: Number(span.last_id), backends: names.map((r) => r.name) };
    });
    if (found === null || this.closed) return false;
    this.watermark = Math.max(this.watermark, found.lastId);
    this.parts.written(found.from, found.backends);
    return true;
  }
}

/** The one range from the lowest id to the highest. */
function spanOf(ranges: readonly IdRange[]): IdRange {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const [a, b] of ranges) {
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  return [lo, hi];
}

/** pg keeps its socket on `connection.stream` (not typed): unref'd, an idle LISTEN does not hold the process. */
function setSocketRef(client: object, held: boolean): void {
  const stream = (client as { connection?: { stream?: { ref?: () => void; unref?: () => void } } }).connection?.stream;
  if (held) stream?.ref?.();
  else stream?.unref?.();
}
