import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { exec, type Plan, type Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { IngestContext } from '../record/ingest-plan.js';
import { MINUTE_GRAIN, MINUTE_MS, type Resolution } from '../rollup/grains.js';

/**
 * Rows deleted per transaction, so a first prune of a large backlog never holds the write lock long (and
 * on PostgreSQL never becomes one table-wide DELETE: each slice is bounded through an index).
 */
const PRUNE_SLICE = 20_000;
/** The longest pause between two SQLite slices (see deleteInSlices). */
const MAX_SLICE_PAUSE_MS = 100;
/** Retention is enforced at most this often (after a flush). */
const PRUNE_EVERY_MS = 60_000;
/** Idempotency keys are pruned at most this often: without an index on their time, each prune scans them. */
const KEY_PRUNE_EVERY_MS = 3_600_000;

/**
 * How long raw events and minute rollups are kept: what reads may trust to be complete (the resolution),
 * what a write keeps, and the prune that deletes what is older.
 */
export class Retention {
  private lastPrune = 0;
  private lastKeyPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly runner: Runner,
    private readonly rawRetentionMs: number | null,
    private readonly minuteRetentionMs: number,
    /** How long idempotency keys are kept (their own window, independent of the raw retention). */
    private readonly dedupeWindowMs: number,
    /** Rows deleted per transaction (tests make it small). */
    private readonly sliceRows = PRUNE_SLICE,
  ) {}

  /** Where raw events and minute rollups are complete at `now`. */
  resolution(now: number): Resolution {
    return {
      rawFrom: this.rawRetentionMs === null ? Number.NEGATIVE_INFINITY : now - this.rawRetentionMs,
      minuteFrom: now - this.minuteRetentionMs,
    };
  }

  /** What a write needs to know now: raw rows are kept from exactly where reads trust them to be complete. */
  ingestContext(now: number, backendIds: Map<string, number>): IngestContext {
    const resolution = this.resolution(now);
    return { now, keepRawFrom: resolution.rawFrom, resolution, backendIds };
  }

  /**
   * Deletes raw events, idempotency keys and minute rollups past their retention, at most once a minute,
   * each in slices of at most sliceRows rows per transaction (minute rollups: plus one minute's rows).
   */
  async pruneIfDue(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const rawCutoff = this.rawRetentionMs === null ? null : now - this.rawRetentionMs;
    const minuteCutoff = now - this.minuteRetentionMs;
    const db = this.db;
    const pg = isPostgres(db);
    if (rawCutoff !== null) {
      const slice = this.sliceRows;
      await this.deleteInSlices(function* () {
        // The oldest expired rows through events_ts, then exactly those by primary key, however ids and
        // times interleave (a late event has a new id and an old time). PostgreSQL gets them as an array, so
        // the delete is index lookups whatever the table's size (a subquery may be planned as a hash join
        // over a scan of the whole table).
        //
        // SQLite never deletes the row of the highest id: a rowid is max + 1 (record/event-ids.ts), so deleting
        // the newest row would give its id to the next event, and a feed cursor at that id would never see
        // it. The row goes with a later slice, once a newer row exists (record/commit-log.ts keeps its own table the
        // same way). Aggregates never count it (they use raw rows only from the resolution's rawFrom on);
        // drill-down and export list rows older than the retention until a prune removes them, so on a store
        // where nothing newer is recorded they keep listing this one row.
        let oldest = db.selectFrom('events').select('id').where('ts', '<', rawCutoff);
        if (!pg) oldest = oldest.where(sql<boolean>`id < (select max(id) from events)`);
        oldest = oldest.orderBy('ts').limit(slice);
        const deleted = yield* exec(
          db
            .deleteFrom('events')
            .where(pg ? sql<boolean>`id = any(array(${oldest}))` : sql<boolean>`id in (${oldest})`)
            .returning('id'),
        );
        return deleted.length;
      });
    }
    if (now - this.lastKeyPrune >= KEY_PRUNE_EVERY_MS || now < this.lastKeyPrune) {
      this.lastKeyPrune = now;
      const keyCutoff = now - this.dedupeWindowMs;
      const slice = this.sliceRows;
      await this.deleteInSlices(function* () {
        // A slice of expired keys by primary key, so no transaction deletes more than a slice of rows.
        const expired = db
          .selectFrom('event_keys')
          .select(['backend_id', 'key'])
          .where('ts', '<', keyCutoff)
          .limit(slice);
        if (pg) {
          // The slice's pairs first, then deleted as arrays: one event_keys_pk lookup per pair (a Nested
          // Loop). Deleting `(backend_id, key) in (subquery)` was planned as a Hash Semi Join over a scan of
          // the whole table per slice. Each array is an InitPlan (`(select $n)`), so the planner does not
          // count its elements: given them as plain parameters, a slice that is a few percent of the table
          // was planned as a Hash Join over a scan again. No ctid: the same statements run under Citus.
          const rows = yield* exec(expired);
          if (rows.length === 0) return 0;
          const backendIds = rows.map((r) => r.backend_id);
          const keys = rows.map((r) => r.key);
          const result = yield* exec(
            db
              .deleteFrom('event_keys')
              .where(
                sql<boolean>`(backend_id, key) in (select * from unnest((select ${backendIds}::bigint[]), (select ${keys}::bytea[])))`,
              )
              .returning('ts'),
          );
          return result.length;
        }
        const result = yield* exec(
          db
            .deleteFrom('event_keys')
            .where((eb) => eb(eb.refTuple('backend_id', 'key'), 'in', expired.$asTuple('backend_id', 'key')))
            .returning('ts'),
        );
        return result.length;
      });
    }
    const minuteEnd = minuteCutoff - MINUTE_MS;
    const slice = this.sliceRows;
    await this.deleteInSlices(function* () {
      // Whole minutes, oldest first, up to the minute of the slice's last row: a slice deletes at most
      // sliceRows plus the rows of one minute (one per backend and resource), through rollups_pk's range.
      const [last] = yield* exec(
        db
          .selectFrom('rollups')
          .select('bucket')
          .where('level', '=', MINUTE_GRAIN)
          .where('bucket', '<', minuteEnd)
          .orderBy('bucket')
          .limit(1)
          .offset(slice - 1),
      );
      const deleted = yield* exec(
        db
          .deleteFrom('rollups')
          .where('level', '=', MINUTE_GRAIN)
          .where('bucket', last ? '<=' : '<', last ? Number(last.bucket) : minuteEnd)
          .returning('bucket'),
      );
      return deleted.length;
    });
  }

  /**
   * Runs `slice` (one transaction, at most sliceRows rows, returns how many) until one deletes fewer. On
   * SQLite, pauses between two slices as long as the last one took (at most MAX_SLICE_PAUSE_MS): a slice
   * holds the file's one write lock and, run synchronously, this process's event loop, and back to back
   * they starved both. Other processes' writers wait in SQLite's busy handler, which polls, and the loser
   * of every poll waited for the next slice: a writer of 100-event batches waited up to 734 ms while 5M
   * expired rows went in 20,000-row slices of at most 43 ms (bench/retention.ts). PostgreSQL's writers
   * are not blocked by the deletes, so its slices run back to back.
   */
  private async deleteInSlices(slice: () => Plan<number>): Promise<void> {
    for (;;) {
      const started = performance.now();
      const deleted = await this.runner.write(slice);
      if (deleted < this.sliceRows) return;
      if (!isPostgres(this.db)) await sleep(Math.min(performance.now() - started, MAX_SLICE_PAUSE_MS));
    }
  }
}
