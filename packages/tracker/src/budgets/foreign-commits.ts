// Commits of OTHER processes (another tracker, the CLI, the synchronous exit write of a process that is
// ending) reach this process's budget evaluator within about a second, so their alerts are on time too:
// a process that writes and exits cannot evaluate what it wrote (its exit hook cannot await), and without
// this the next full pass (every FULL_EVALUATION_MS) was the first to see it.

import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { PgListener } from '../db/pg-listener.js';
import { exec, type Plan, type Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { EVENTS_CHANNEL, type IdRange, parseIdRanges, parseRollupsOnly } from '../feed/event-notify.js';
import { commitsPruned, parseBackendIds } from '../record/commit-log.js';
import { FULL_EVALUATION_MS } from './budget-evaluator.js';

/** How often a watching process looks for other processes' commits (SQLite) or handles those notified (PostgreSQL). */
export const FOREIGN_COMMIT_POLL_MS = 1000;

/** More notified id ranges than this are read as the one range spanning them (a superset: a few extra backends). */
const MAX_RANGES_PER_READ = 100;

/** How a store tells this process that another connection committed. */
export type CommitSignal =
  /**
   * SQLite: the connection's `PRAGMA data_version`, which moves only when another connection commits; what
   * was committed is then read from event_commits (record/commit-log.ts).
   */
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
  /**
   * Commits may have been missed (a LISTEN connection was re-opened) or logged nothing (SQLite: another
   * connection's commit without a log row): every budget is due in its current month.
   */
  missed(): void;
  /**
   * Events were committed that cannot be told apart by backend (a rollups-only notification of an older
   * writer, or SQLite log rows pruned before this process read them): every budget is due, its billing
   * months from `minTs` on (0: as far back as a backfill reaches).
   */
  unattributed(minTs: number): void;
  failed(error: Error): void;
}

/**
 * Watches for other processes' event commits while the database has budgets (checked at start, when this
 * process sets one, and every FULL_EVALUATION_MS otherwise), and hands the backends and earliest event
 * time they wrote to the evaluator. Nothing here runs on the recording path: SQLite's probe is one pragma
 * a second on the idle connection (own commits do not move it), PostgreSQL's is a LISTEN connection.
 * Neither the timer nor the LISTEN socket keeps a process alive.
 *
 * SQLite: every write transaction that stores events appends a row to event_commits (its earliest event
 * time and backend ids; record/commit-log.ts), whose seq is never handed out twice (an integer primary key
 * without AUTOINCREMENT, but pruning never deletes the newest row, so the next seq is always above it), so a
 * watermark over it misses no commit, whether the events were kept raw or in rollups only, and whatever
 * retention deleted (the events rowid is reused after the newest rows are deleted; the seq is not). A
 * watcher that fell more than COMMIT_LOG_KEEP commits behind (the oldest were pruned before it read them)
 * makes every budget due as far back as a backfill reaches. PostgreSQL: the ids notified are read from the
 * raw events; events stored in rollups only are notified with their earliest time and backend ids
 * (rollups-only payload); an older writer's payload without backends makes every budget due from then.
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
  /** SQLite: the data_version last seen, and the event_commits seq read up to. */
  private version: number | null = null;
  private watermark = 0;
  /**
   * SQLite: the newest event id seen. A writer of a release before migration 0011 (running while the
   * database was migrated) stores events and logs nothing: a newer id with no log row says so.
   */
  private newestEventId = 0;
  /** PostgreSQL: the listener, and the ranges notified since the last read. */
  private readonly listener: PgListener | null = null;
  private notified: IdRange[] = [];
  /** PostgreSQL: the earliest time of events notified as stored in rollups only since the last look. */
  private rollupsFrom = Number.POSITIVE_INFINITY;
  /** ...and their backend ids; null once a payload named none (every budget is due). */
  private rollupsBackends: Set<number> | null = new Set();
  /** The listening connection last opened (its socket unref'd). */
  private client: object | null = null;

  constructor(private readonly parts: ForeignCommitParts) {
    const { signal } = parts;
    if (signal.kind === 'notify') {
      this.listener = new PgListener(
        signal.url,
        EVENTS_CHANNEL,
        (payload) => {
          const rollups = parseRollupsOnly(payload);
          if (rollups === null) {
            this.notified.push(...parseIdRanges(payload));
            return;
          }
          this.rollupsFrom = Math.min(this.rollupsFrom, rollups.from);
          if (rollups.backendIds === null) this.rollupsBackends = null;
          else for (const id of rollups.backendIds) this.rollupsBackends?.add(id);
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

  /** From here on, commits are looked at: SQLite from the newest logged commit now, PostgreSQL from LISTEN on. */
  private async start(): Promise<void> {
    if (this.parts.signal.kind === 'data-version') {
      // The watermark first and no data_version yet: the first look reads every seq past the watermark, so
      // a commit landing between the two reads is read then, not taken as seen.
      const marks = await this.newestMarks();
      this.watermark = marks.seq;
      this.newestEventId = marks.eventId;
      this.version = null;
    } else {
      await this.listener!.ready();
    }
    if (!this.closed) this.active = true;
  }

  /** SQLite: the newest logged commit's seq and the newest event id (0 with none), in one snapshot. */
  private async newestMarks(): Promise<{ seq: number; eventId: number }> {
    const { db, runner } = this.parts;
    return runner.read(function* () {
      const [log] = yield* exec(db.selectFrom('event_commits').select(sql<number | null>`max(seq)`.as('seq')));
      const [events] = yield* exec(db.selectFrom('events').select(sql<number | null>`max(id)`.as('id')));
      return { seq: Number(log?.seq ?? 0), eventId: Number(events?.id ?? 0) };
    });
  }

  /** One look: what other processes committed since the last. */
  private async look(): Promise<void> {
    const { signal } = this.parts;
    if (signal.kind === 'data-version') {
      const version = signal.read();
      if (version === this.version) {
        // No other process committed since the last read, so every row past the watermark is this process's
        // own (evaluated already): the watermark follows them, and a busy writer's own commits never push
        // it past the pruned end of the log (which would make every budget due at the next foreign commit).
        const newest = await this.newestMarks();
        if (!this.closed && signal.read() === version) {
          this.watermark = Math.max(this.watermark, newest.seq);
          this.newestEventId = newest.eventId;
        }
        return;
      }
      await this.readLog();
      // Only once read: a read that failed is tried again at the next look.
      this.version = version;
      return;
    }
    // Re-opens a connection that broke (`missed` then makes every budget due).
    if (!this.listener!.listening) await this.listener!.ready();
    if (this.closed) return;
    if (Number.isFinite(this.rollupsFrom)) {
      const from = this.rollupsFrom;
      const backends = this.rollupsBackends;
      this.rollupsFrom = Number.POSITIVE_INFINITY;
      this.rollupsBackends = new Set();
      if (backends === null) this.parts.unattributed(from);
      else {
        try {
          const names = await this.parts.runner.read(() => backendNames(this.parts.db, [...backends]));
          if (this.closed) return;
          this.parts.written(from, names);
        } catch (error) {
          // Kept for the next look, with what was notified meanwhile.
          this.rollupsFrom = Math.min(this.rollupsFrom, from);
          if (this.rollupsBackends !== null) for (const id of backends) this.rollupsBackends.add(id);
          throw error;
        }
      }
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
   * SQLite: the commits logged after the watermark, in one snapshot: their earliest event time and their
   * backends are reported, and the watermark moves to the newest.
   */
  private async readLog(): Promise<void> {
    const { db, runner } = this.parts;
    const after = this.watermark;
    const found = await runner.read(function* () {
      const rows = yield* exec(
        db.selectFrom('event_commits').select(['seq', 'min_ts', 'backend_ids']).where('seq', '>', after).orderBy('seq'),
      );
      const [events] = yield* exec(db.selectFrom('events').select(sql<number | null>`max(id)`.as('id')));
      const eventId = Number(events?.id ?? 0);
      if (rows.length === 0) return { eventId, log: null };
      let from = Number.POSITIVE_INFINITY;
      const ids = new Set<number>();
      for (const row of rows) {
        from = Math.min(from, Number(row.min_ts));
        for (const id of parseBackendIds(row.backend_ids)) ids.add(id);
      }
      const newest = Number(rows[rows.length - 1]!.seq);
      return { eventId, log: { from, newest, names: yield* backendNames(db, [...ids]) } };
    });
    if (this.closed) return;
    const unlogged = found.eventId > this.newestEventId;
    this.newestEventId = found.eventId;
    if (found.log === null) {
      // Another connection committed and logged nothing: an alert, a budget or retention, which wrote no
      // event; or a writer of a release before migration 0011 (still running while the database was
      // migrated), which stores events without a log row: a newer event id tells, and every budget is due
      // in its current month, as before the log existed.
      if (unlogged) this.parts.missed();
      return;
    }
    const log = found.log;
    this.watermark = log.newest;
    // Rows this process had not read were pruned: their times and backends are unknown.
    if (commitsPruned(after, log.newest)) this.parts.unattributed(0);
    this.parts.written(log.from, log.names);
  }

  /**
   * Reads which backends the events of these id ranges belong to, and the earliest event time, in one
   * snapshot: the span and the distinct backend ids as two scans of the id range (a GROUP BY with the
   * aggregates costs about four times as much in SQLite: a temporary b-tree), then their names.
   */
  private async report(ranges: readonly IdRange[]): Promise<void> {
    const { db, runner } = this.parts;
    const found = await runner.read(function* () {
      const inRanges = (eb: ExpressionBuilder<Database, 'events'>) =>
        eb.or(ranges.map(([lo, hi]) => eb.between('id', lo, hi)));
      const [span] = yield* exec(
        db.selectFrom('events').where(inRanges).select(sql<number | null>`min(ts)`.as('from_ts')),
      );
      if (span?.from_ts === null || span?.from_ts === undefined) return null;
      const ids = yield* exec(db.selectFrom('events').where(inRanges).select('backend_id').distinct());
      const names = yield* backendNames(
        db,
        ids.map((r) => Number(r.backend_id)),
      );
      return { from: Number(span.from_ts), backends: names };
    });
    if (found === null || this.closed) return;
    this.parts.written(found.from, found.backends);
  }
}

/** The names of these backend ids (ids no backend has any more are left out). */
function* backendNames(db: Kysely<Database>, ids: readonly number[]): Plan<string[]> {
  if (ids.length === 0) return [];
  const rows = yield* exec(db.selectFrom('backends').select('name').where('id', 'in', ids));
  return rows.map((r) => r.name);
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
