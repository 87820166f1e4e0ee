import type pg from 'pg';
import { PgListener } from '../db/pg-listener.js';
import { EVENTS_CHANNEL, type IdRange, idRanges, parseIdRanges } from './event-notify.js';

/** How long received commits stay readable: a feed polled less often than this loses the oldest. */
export const COMMIT_LOG_KEEP_MS = 60_000;

/** Most events a reconnection logs from the time nobody listened. */
const CATCH_UP_MAX = 100_000;

interface Entry {
  /** Offset of the entry's first id in the log (ids received before it). */
  start: number;
  count: number;
  ranges: IdRange[];
  receivedAt: number;
}

/** The ids of one read, in commit order, and the cursor that follows them. */
export interface CommitSlice {
  ranges: IdRange[];
  cursor: number;
}

/**
 * The live-feed cursor of a tracker on PostgreSQL: one LISTEN connection that logs, in commit order, the
 * event ids every write transaction of any process announced (feed/event-notify.ts). Cursors start at
 * the newest event id when the log first listened (the base): from there on a cursor is the base plus the
 * ids logged before it, so "after this cursor" is exactly "committed since", whatever order the ids were
 * handed out in (valid only with the tracker that issued it); a cursor below the base is an event id and
 * reads the history up to the base by id, as on SQLite (`after: 0` reads everything stored).
 *
 * The connection opens on the first feed read and is re-opened at the next read after it breaks
 * (a warning, BYTEMETER_FEED_GAP, says so). PostgreSQL keeps no notification for a connection that is
 * gone, so the new connection looks up what committed meanwhile: every event with an id above the newest
 * one seen, logged once, as one entry (in id order rather than commit order). An event whose id was taken
 * before the break by a transaction that committed during it is missed.
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
  /** Notifications that arrive before the base is known: logged once it is. */
  private early: string[] | null = [];
  /** The highest event id known committed: the newest when listening began, or any id logged since. */
  private newestId = 0;
  /** While a reconnection catches up: every id notified meanwhile, so the catch-up does not repeat it. */
  private notifiedDuringCatchUp: Set<number> | null = null;

  constructor(
    url: string,
    private readonly keepMs = COMMIT_LOG_KEEP_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.listener = new PgListener(
      url,
      EVENTS_CHANNEL,
      (payload) => this.received(payload),
      () =>
        process.emitWarning(
          'The live-feed connection to PostgreSQL broke; it reconnects at the next feed read and then logs the ' +
            'events committed meanwhile above the newest id it had seen (any below it are missed).',
          { code: 'BYTEMETER_FEED_GAP' },
        ),
      (client, again) => (again ? this.catchUp(client) : this.learnNewest(client)),
    );
  }

  /**
   * The newest cursor, once every commit that finished before this call is in the log: the listening
   * connection answers one round trip, and PostgreSQL sends pending notifications ahead of any answer.
   */
  async sync(): Promise<number> {
    await this.listener.sync();
    return this.position;
  }

  /**
   * The ids logged after `after`, at most `limit` of them, in commit order. A cursor older than the
   * log's oldest entry reads from that entry; one past the end (not issued here) reads nothing.
   */
  async read(after: number, limit: number): Promise<CommitSlice> {
    await this.sync();
    this.prune();
    const ranges: IdRange[] = [];
    const base = this.base ?? 0;
    // History from before this process listened: the ids after the cursor up to the base, by id.
    if (after < base) {
      const to = Math.min(base, Math.max(0, after) + limit);
      return { ranges: [[Math.max(0, after) + 1, to]], cursor: to };
    }
    let cursor = Math.min(after, this.position);
    const first = this.entries[0];
    if (first && cursor < first.start) cursor = first.start;
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
    return { ranges, cursor };
  }

  close(): Promise<void> {
    return this.listener.close();
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
    // Before the tracker's migration there is no table, and nothing was committed yet.
    const { rows } = await client
      .query<{ id: number | null }>('select max(id)::float8 as id from events')
      .catch(() => ({
        rows: [{ id: null }],
      }));
    this.newestId = Math.max(this.newestId, rows[0]?.id ?? 0);
    this.base = this.newestId;
    this.position = this.base;
    // Notified between LISTEN and that read: ids up to the base are history already, the rest is logged.
    const early = this.early ?? [];
    this.early = null;
    for (const payload of early) {
      const later = parseIdRanges(payload)
        .filter(([, hi]) => hi > this.base!)
        .map(([lo, hi]): IdRange => [Math.max(lo, this.base! + 1), hi]);
      this.log(later);
    }
  }

  /**
   * After a reconnection: logs the events that committed while no connection listened, as one entry. Those
   * with ids above the newest one seen are found (an id below it, taken before the break by a transaction
   * that committed during it, is not); ids notified since this connection listens are not logged twice.
   */
  private async catchUp(client: pg.Client): Promise<void> {
    const notified = new Set<number>();
    this.notifiedDuringCatchUp = notified;
    try {
      const { rows } = await client.query<{ id: number }>(
        'select id::float8 as id from events where id > $1 order by id limit $2',
        [this.newestId, CATCH_UP_MAX + 1],
      );
      if (rows.length > CATCH_UP_MAX) {
        process.emitWarning(
          `More than ${CATCH_UP_MAX} events committed while the live feed was not listening; the first ${CATCH_UP_MAX} are logged.`,
          {
            code: 'BYTEMETER_FEED_GAP',
          },
        );
      }
      const ids = rows
        .slice(0, CATCH_UP_MAX)
        .map((r) => r.id)
        .filter((id) => !notified.has(id));
      this.log(idRanges(ids));
    } finally {
      this.notifiedDuringCatchUp = null;
    }
  }

  /** A notification: kept aside until the base is known (see learnNewest), else logged. */
  private received(payload: string): void {
    if (this.early) this.early.push(payload);
    else this.log(parseIdRanges(payload));
  }

  /** Logs committed id ranges as one entry, in the order they arrive (commit order). */
  private log(ranges: IdRange[]): void {
    let count = 0;
    for (const [lo, hi] of ranges) {
      count += hi - lo + 1;
      if (hi > this.newestId) this.newestId = hi;
      if (this.notifiedDuringCatchUp) for (let id = lo; id <= hi; id++) this.notifiedDuringCatchUp.add(id);
    }
    if (count === 0) return;
    this.entries.push({ start: this.position, count, ranges, receivedAt: this.now() });
    this.position += count;
    // Also when nobody reads any more (the last subscriber left): the log never outgrows its window.
    if (this.entries[0]!.receivedAt < this.now() - this.keepMs) this.prune();
  }
}
