import type pg from 'pg';
import { PgListener } from '../db/pg-listener.js';
import { EVENTS_CHANNEL, type IdRange, parseIdRanges } from './event-notify.js';
import { firstIds, holesAbove, mergeRanges, subtractRanges } from './id-range-set.js';

/** How long received commits stay readable: a feed polled less often than this loses the oldest. */
export const COMMIT_LOG_KEEP_MS = 60_000;

/** undefined_table: the events table does not exist yet. */
const UNDEFINED_TABLE = '42P01';

/** Most events a reconnection logs from the time nobody listened. */
export const CATCH_UP_MAX = 1_000_000;

/**
 * The stored ids inside the holes [$1[i], $2[i]] (at most $3 per hole) as ranges of consecutive ids: one
 * primary-key range scan per hole, so the cost follows what was not logged rather than the window, and an
 * answer of a handful of rows however many events it covers (id minus its rank is constant along a run).
 */
const STORED_IN_HOLES = `select min(id)::float8 as lo, max(id)::float8 as hi, count(*)::float8 as n
  from (select id, id - row_number() over (order by id) as run
    from unnest($1::bigint[], $2::bigint[]) as hole(lo, hi)
    cross join lateral (select id from events where id between hole.lo and hole.hi order by id limit $3) as found
  ) as ranked
  group by run order by lo`;

const countIds = (ranges: readonly IdRange[]) => ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);

interface Entry {
  /** Offset of the entry's first id in the log (ids received before it). */
  start: number;
  count: number;
  ranges: IdRange[];
  receivedAt: number;
  /** The highest id known committed before this entry: no id above it was logged earlier. */
  newestBefore: number;
}

/** What a reconnection must find: recorded the moment the listening connection broke. */
interface Gap {
  /**
   * Ids above this may have committed unheard: the newest id known committed one kept window before the
   * connection was last heard from (or when listening began, if later), so every id taken since, by a
   * transaction still open at the break, lies above it.
   */
  lowWater: number;
  /** The ids above lowWater already logged (merged): the catch-up must not log them again. */
  logged: IdRange[];
}

/** The ids of one read, in commit order, and the cursor that follows them. */
export interface CommitSlice {
  ranges: IdRange[];
  cursor: number;
  /** Ids logged after the cursor that had left the kept window: jumped over, never handed out. */
  skipped: number;
  /**
   * A slice of the history below the base (ids, not log positions): its rows must be read through
   * `readHistory`, which drops an id whose transaction commits, and so is logged, while they are read.
   */
  history: boolean;
}

/**
 * The live-feed cursor of a tracker on PostgreSQL: one LISTEN connection that logs, in commit order, the
 * event ids every write transaction of any process announced (feed/event-notify.ts). Cursors start at
 * the newest event id when the log first listened (the base): from there on a cursor is the base plus the
 * ids logged before it, so "after this cursor" is exactly "committed since", whatever order the ids were
 * handed out in (valid only with the tracker that issued it); a cursor below the base is an event id and
 * reads the history up to the base by id, as on SQLite (`after: 0` reads everything stored), less the
 * ids the log holds (committed after listening began: the log hands them out, once).
 *
 * The connection opens on the first feed read and is re-opened at the next read after it breaks
 * (a warning, BYTEMETER_FEED_GAP, says so). PostgreSQL keeps no notification for a connection that is
 * gone, so the new connection looks up what committed meanwhile (catchUp): the stored ids above the
 * break's low-water mark that were not logged (a range scan of the holes between logged ids), logged once as one entry (in id order: the order
 * in which they committed is not stored) ahead of every notification the new connection hears. Found:
 * every event of a transaction that took its ids at most one kept window (60 s) before the connection
 * was last heard from (or after listening began, if that was later), whenever it committed; a transaction that held its ids open longer than that and
 * committed during the break is missed by this log (stored data is never affected).
 */
export class CommitFeed {
  private readonly listener: PgListener;
  private readonly entries: Entry[] = [];
  /** The next cursor: the base plus every id logged since. */
  private position = 0;
  /**
   * The newest event id when this log first listened; cursors start there. A cursor below it is an event
   * id, read as history (ids after it up to the base, as on SQLite); from it on, a position in the log.
   */
  private base: number | null = null;
  /**
   * Notifications held back, in arrival order: before the base is known (logged once it is), and from a
   * break until the catch-up has logged what committed meanwhile (so that comes first).
   */
  private held: string[] | null = [];
  /** The highest event id known committed: the newest when listening began, or any id logged since. */
  private newestId = 0;
  /** Set when the listening connection breaks, cleared once a new one has caught up. */
  private gap: Gap | null = null;
  /**
   * When the connection last proved it listened (an answer or a notification): a break can be noticed
   * long after it happened (a silent network cut), so the low-water mark looks back from here.
   */
  private heardAt = 0;
  /**
   * The ids the last catch-up logged, for one kept window: a notification for one of them that arrives
   * late (its transaction committed just before the catch-up read) is not logged twice.
   */
  private caughtUp: { ranges: IdRange[]; until: number } | null = null;

  constructor(
    url: string,
    private readonly keepMs = COMMIT_LOG_KEEP_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.listener = new PgListener(
      url,
      EVENTS_CHANNEL,
      (payload) => this.received(payload),
      () => this.lost(),
      (client, again) => (again ? this.catchUp(client) : this.learnNewest(client)),
    );
  }

  /**
   * The newest cursor, once every commit that finished before this call is in the log: the listening
   * connection answers one round trip, and PostgreSQL sends pending notifications ahead of any answer.
   */
  async sync(): Promise<number> {
    await this.listener.sync();
    this.heardAt = this.now();
    return this.position;
  }

  /**
   * The ids logged after `after`, at most `limit` of them, in commit order. A cursor older than the
   * log's oldest entry reads from that entry, counts what it jumped over as `skipped` and warns
   * (BYTEMETER_FEED_GAP); one past the end (not issued here) reads nothing.
   */
  async read(after: number, limit: number): Promise<CommitSlice> {
    await this.sync();
    this.prune();
    const ranges: IdRange[] = [];
    const base = this.base ?? 0;
    // History from before this process listened: the ids after the cursor up to the base, by id.
    if (after < base) {
      const from = Math.max(0, after);
      const to = Math.min(base, from + limit);
      // An id up to the base whose transaction committed after listening began is logged too: the log
      // hands it out (in commit order), the history does not, so a reader gets it once (see readHistory).
      return { ranges: subtractRanges([[from + 1, to]], this.logged(from, to)), cursor: to, skipped: 0, history: true };
    }
    let cursor = Math.min(after, this.position);
    const first = this.entries[0];
    let skipped = 0;
    if (first && cursor < first.start) {
      skipped = first.start - cursor;
      cursor = first.start;
      process.emitWarning(
        `A live-feed reader fell more than ${this.keepMs / 1000} s behind the commit log: ${skipped} events ` +
          'committed after its cursor are no longer logged and are skipped (stored data is not affected).',
        { code: 'BYTEMETER_FEED_GAP' },
      );
    }
    let left = limit;
    for (let i = this.entryAt(cursor); i < this.entries.length && left > 0; i++) {
      const entry = this.entries[i]!;
      let skip = cursor - entry.start;
      for (const [lo, hi] of entry.ranges) {
        const size = hi - lo + 1;
        if (skip >= size) {
          skip -= size;
          continue;
        }
        const from = lo + skip;
        const to = Math.min(hi, from + left - 1);
        ranges.push([from, to]);
        const taken = to - from + 1;
        left -= taken;
        cursor += taken;
        skip = 0;
        if (left === 0) break;
      }
    }
    return { ranges, cursor, skipped, history: false };
  }

  /**
   * The rows of a history slice, read by `read` (one snapshot per call), without any id the log holds.
   * `read` subtracted the ids logged when it synced, but a transaction holding an id up to the base can
   * commit after that and before the rows' snapshot: the rows then hold its id and so does the log. So
   * after each read the log is synced again and, if it now holds an id of the ranges, the rows are read
   * again without it, until a read adds nothing to the log. Exactly once, in any interleaving: a row the
   * last snapshot sees committed before that snapshot was taken, and PostgreSQL notifies at commit, so
   * the sync after it hears of the row; none was heard, so no row read is logged, now or later (a commit
   * notifies once; a catch-up after a break logs only ids above the base). Every id dropped is in the log,
   * which hands it out. (Taking the snapshot before the first sync would need one transaction held open
   * across the listening connection's round trip; this needs nothing but a second sync, and a second read
   * only when a commit raced the first.)
   */
  async readHistory<R>(slice: CommitSlice, read: (ranges: IdRange[]) => Promise<R>): Promise<R> {
    let ranges = slice.ranges;
    for (;;) {
      const rows = await read(ranges);
      if (!slice.history || ranges.length === 0) return rows;
      await this.sync();
      const left = subtractRanges(ranges, this.logged(ranges[0]![0] - 1, ranges[ranges.length - 1]![1]));
      if (countIds(left) === countIds(ranges)) return rows;
      ranges = left;
    }
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** The logged ids in (from, to], merged. */
  private logged(from: number, to: number): IdRange[] {
    return mergeRanges(this.entries.flatMap((e) => e.ranges).filter(([lo, hi]) => lo <= to && hi > from));
  }

  /** Index of the entry holding the id after `cursor` (entries are ordered by start). */
  private entryAt(cursor: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entries[mid]!;
      if (e.start + e.count <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private prune(): void {
    const oldest = this.now() - this.keepMs;
    let n = 0;
    while (n < this.entries.length - 1 && this.entries[n]!.receivedAt < oldest) n++;
    if (n > 0) this.entries.splice(0, n);
  }

  /** Where "committed while not listening" starts: the newest id when listening began. */
  private async learnNewest(client: pg.Client): Promise<void> {
    // Before the tracker's migration there is no table (42P01), and nothing was committed yet. Any other
    // failure (the connection died) is thrown, so this connection is not used and the next read opens another.
    const { rows } = await client
      .query<{ id: number | null }>('select max(id)::float8 as id from events')
      .catch((error: unknown) => {
        if ((error as { code?: unknown } | null)?.code === UNDEFINED_TABLE) return { rows: [{ id: null }] };
        throw error;
      });
    this.newestId = Math.max(this.newestId, rows[0]?.id ?? 0);
    this.base = this.newestId;
    this.position = this.base;
    this.heardAt = this.now();
    // Notified between LISTEN and that read: ids up to the base are history already, the rest is logged.
    const early = this.held ?? [];
    this.held = null;
    for (const payload of early) {
      const later = parseIdRanges(payload)
        .filter(([, hi]) => hi > this.base!)
        .map(([lo, hi]): IdRange => [Math.max(lo, this.base! + 1), hi]);
      this.log(later);
    }
  }

  /**
   * The listening connection broke: from here until a new one has caught up, nothing is heard. Records
   * what the catch-up must look for (see Gap) and holds back what the new connection hears until then.
   */
  private lost(): void {
    const since = Math.min(this.now(), this.heardAt) - this.keepMs;
    let first = this.entries.findIndex((e) => e.receivedAt >= since);
    if (first === -1) first = this.entries.length;
    // Every id logged before the window is at most the mark (newestBefore only grows), so only the
    // window's entries can hold ids above it.
    const lowWater = this.entries[first]?.newestBefore ?? this.newestId;
    this.gap = { lowWater, logged: mergeRanges(this.entries.slice(first).flatMap((e) => e.ranges)) };
    this.held ??= [];
    process.emitWarning(
      'The live-feed connection to PostgreSQL broke; it reconnects at the next feed read and then logs the ' +
        'events committed meanwhile (those of a transaction open longer than 60 s at the break are missed).',
      { code: 'BYTEMETER_FEED_GAP' },
    );
  }

  /**
   * After a reconnection, before anything the new connection heard: logs, as one entry, every stored event
   * above the gap's low-water mark that is neither logged already nor notified to the new connection
   * (those follow, in the order heard). Those are the events that committed while nobody listened.
   */
  private async catchUp(client: pg.Client): Promise<void> {
    const gap = this.gap;
    if (!gap) return;
    const holes = holesAbove(gap.lowWater, gap.logged);
    const { rows } = await client.query<{ lo: number; hi: number; n: number }>(STORED_IN_HOLES, [
      holes.map(([lo]) => lo),
      holes.map(([, hi]) => hi),
      CATCH_UP_MAX + 1,
    ]);
    // From here on synchronous: nothing heard can slip between the read and the log.
    this.heardAt = this.now();
    let stored: IdRange[] = rows.map((r): IdRange => [r.lo, r.hi]);
    if (rows.reduce((sum, r) => sum + r.n, 0) > CATCH_UP_MAX) {
      process.emitWarning(
        `More than ${CATCH_UP_MAX} events committed while the live feed was not listening; the first ` +
          `${CATCH_UP_MAX} are logged.`,
        { code: 'BYTEMETER_FEED_GAP' },
      );
      stored = firstIds(stored, CATCH_UP_MAX);
    }
    const held = this.held ?? [];
    const heard = mergeRanges(held.flatMap(parseIdRanges));
    const missed = subtractRanges(stored, heard);
    this.gap = null;
    this.held = null;
    this.log(missed);
    this.caughtUp = missed.length > 0 ? { ranges: missed, until: this.now() + this.keepMs } : null;
    for (const payload of held) this.received(payload);
  }

  /** A notification: held back while the base is unknown or a catch-up is due, else logged. */
  private received(payload: string): void {
    this.heardAt = this.now();
    if (this.held) {
      this.held.push(payload);
      return;
    }
    let ranges = parseIdRanges(payload);
    if (this.caughtUp && this.caughtUp.until < this.now()) this.caughtUp = null;
    if (this.caughtUp) ranges = subtractRanges(ranges, this.caughtUp.ranges);
    this.log(ranges);
  }

  /** Logs committed id ranges as one entry, in the order they arrive (commit order). */
  private log(ranges: IdRange[]): void {
    const newestBefore = this.newestId;
    let count = 0;
    for (const [lo, hi] of ranges) {
      count += hi - lo + 1;
      if (hi > this.newestId) this.newestId = hi;
    }
    if (count === 0) return;
    this.entries.push({ start: this.position, count, ranges, receivedAt: this.now(), newestBefore });
    this.position += count;
    // Also when nobody reads any more (the last subscriber left): the log never outgrows its window.
    if (this.entries[0]!.receivedAt < this.now() - this.keepMs) this.prune();
  }
}
