import { PgListener } from '../db/pg-listener.js';
import { EVENTS_CHANNEL, type IdRange, parseIdRanges } from './event-notify.js';

/** How long received commits stay readable: a feed polled less often than this loses the oldest. */
export const COMMIT_LOG_KEEP_MS = 60_000;

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
 * event ids every write transaction of any process announced (feed/event-notify.ts). A cursor is an
 * offset in this process's log (ids received before it), so "after this cursor" is exactly "committed
 * since", whatever order the ids were handed out in; it is valid only with the tracker that issued it.
 *
 * The connection opens on the first feed read and is re-opened after it breaks. Commits that happen while
 * it is broken are not in the log (PostgreSQL keeps no notification for a connection that is gone):
 * a warning (BYTEMETER_FEED_GAP) says so.
 */
export class CommitFeed {
  private readonly listener: PgListener;
  private readonly entries: Entry[] = [];
  private position = 0;

  constructor(
    url: string,
    private readonly keepMs = COMMIT_LOG_KEEP_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.listener = new PgListener(
      url,
      EVENTS_CHANNEL,
      (payload) => this.append(payload),
      () =>
        process.emitWarning(
          'The live-feed connection to PostgreSQL broke; events committed until it reconnects are not in live feeds.',
          { code: 'BYTEMETER_FEED_GAP' },
        ),
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

  private append(payload: string): void {
    const ranges = parseIdRanges(payload);
    let count = 0;
    for (const [lo, hi] of ranges) count += hi - lo + 1;
    if (count === 0) return;
    this.entries.push({ start: this.position, count, ranges, receivedAt: this.now() });
    this.position += count;
    // Also when nobody reads any more (the last subscriber left): the log never outgrows its window.
    if (this.entries[0]!.receivedAt < this.now() - this.keepMs) this.prune();
  }
}
