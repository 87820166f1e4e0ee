import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgListener } from '../src/db/pg-listener.js';
import { CommitFeed } from '../src/feed/commit-feed.js';
import { idRangePayloads, MAX_PAYLOAD_BYTES, parseIdRanges } from '../src/feed/event-notify.js';
import { firstIds, holesAbove, mergeRanges, subtractRanges } from '../src/feed/id-range-set.js';
import { openResourceTracker } from '../src/index.js';
import { createTestDatabase } from './support/postgres.js';

// On PostgreSQL ids are handed out at insert and transactions commit in any order: the live feed follows
// the commit order PostgreSQL delivers notifications in, never "id > cursor".

const T = Date.UTC(2026, 0, 5, 10, 0, 0);

async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `n` transactions of this database wait on a lock (a batch held mid-transaction). */
function lockWaiters(client: pg.Client, n: number, what: string): Promise<void> {
  return waitFor(async () => {
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    return Number(rows[0]!.n) === n;
  }, what);
}

/** Every id of the ranges, in order. */
function idsOf(ranges: readonly (readonly [number, number])[]): number[] {
  return ranges.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
}

describe('id range payloads', () => {
  it('encode ids as ranges and parse back', () => {
    expect(idRangePayloads([7, 1, 2, 3, 9, 10])).toEqual(['1-3,7,9-10']);
    expect(parseIdRanges('1-3,7,9-10')).toEqual([
      [1, 3],
      [7, 7],
      [9, 10],
    ]);
    expect(parseIdRanges('1-x')).toEqual([]);
    expect(parseIdRanges('5-2')).toEqual([]);
  });

  it('split interleaved ids over payloads PostgreSQL accepts, losing none', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => 1_000_000_000 + i * 2);
    const payloads = idRangePayloads(ids);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const back = payloads.flatMap(parseIdRanges).flatMap(([lo, hi]) => {
      const out: number[] = [];
      for (let i = lo; i <= hi; i++) out.push(i);
      return out;
    });
    expect(back).toEqual(ids);
  });
});

describe('id range sets', () => {
  it('merge and subtract', () => {
    expect(
      mergeRanges([
        [5, 6],
        [1, 3],
        [4, 4],
        [9, 9],
      ]),
    ).toEqual([
      [1, 6],
      [9, 9],
    ]);
    expect(
      subtractRanges(
        [
          [20, 22],
          [1, 10],
        ],
        [
          [3, 4],
          [8, 21],
        ],
      ),
    ).toEqual([
      [1, 2],
      [5, 7],
      [22, 22],
    ]);
    expect(subtractRanges([[1, 5]], [[1, 5]])).toEqual([]);
    expect(subtractRanges([[1, 5]], [])).toEqual([[1, 5]]);
    expect(
      holesAbove(2, [
        [1, 3],
        [5, 6],
        [9, 9],
      ]),
    ).toEqual([
      [4, 4],
      [7, 8],
      [10, Number.MAX_SAFE_INTEGER],
    ]);
    expect(holesAbove(10, [[1, 3]])).toEqual([[11, Number.MAX_SAFE_INTEGER]]);
    expect(
      firstIds(
        [
          [1, 3],
          [7, 9],
        ],
        4,
      ),
    ).toEqual([
      [1, 3],
      [7, 7],
    ]);
    // Compared with a plain set difference over random ids.
    for (let round = 0; round < 200; round++) {
      const pick = () => Array.from({ length: 30 }, () => 1 + Math.floor(Math.random() * 60));
      const a = pick();
      const b = pick();
      const ranges = (ids: number[]) => mergeRanges(ids.map((id): [number, number] => [id, id]));
      const expanded = idsOf(subtractRanges(ranges(a), ranges(b)));
      expect(expanded).toEqual([...new Set(a)].filter((id) => !b.includes(id)).sort((x, y) => x - y));
    }
  });
});

describe('event feed on PostgreSQL', () => {
  it('delivers a transaction that commits after a later id exactly once, in commit order', async () => {
    const databaseUrl = await createTestDatabase('commit_feed');
    const reader = openResourceTracker({ databaseUrl, flushOnExit: false });
    const slow = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const fast = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const blocker = new pg.Client({ connectionString: databaseUrl });
    try {
      await Promise.all([reader.ready, slow.ready, fast.ready]);
      // The rollup row the slow batch will upsert exists, so a lock on it holds that batch mid-transaction.
      slow.trackApiCall('x', 's3');
      await slow.flush();
      let { cursor } = await reader.getEventFeed({});
      const begin = cursor;
      const seen: string[] = [];
      const poll = async () => {
        const page = await reader.getEventFeed({ after: cursor });
        seen.push(...page.events.map((e) => `${e.backend}:${e.id}`));
        cursor = page.cursor;
      };

      await blocker.connect();
      await blocker.query('begin');
      await blocker.query(
        "select * from rollups where backend_id = (select id from backends where name = 'x') for update",
      );
      slow.trackApiCall('x', 's3', { id: 'slow-1' });
      const slowFlush = slow.flush();
      // The slow batch holds its event id and waits on the rollup row.
      await lockWaiters(blocker, 1, 'the slow batch to wait on the lock');
      // Another backend and resource (no shared lock): a later id, committed first.
      fast.trackBandwidthUpload('y', 's3', 10, { id: 'fast-1' });
      expect((await fast.flush()).error).toBeUndefined();
      await poll();
      expect(seen).toEqual(['y:fast-1']);
      await blocker.query('commit');
      expect((await slowFlush).error).toBeUndefined();
      await poll();
      await poll();
      expect(seen).toEqual(['y:fast-1', 'x:slow-1']);
      // The ids really were out of commit order: an "id > cursor" scan after the first poll would skip x.
      const { rows } = await blocker.query<{ name: string; id: number }>(
        'select b.name, e.id::int as id from event_keys k join events e on e.id = k.event_id join backends b on b.id = e.backend_id order by e.id',
      );
      expect(rows.map((r) => r.name)).toEqual(['x', 'y']);
      // Read again from the same cursor: still each once, in commit order.
      const again = await reader.getEventFeed({ after: begin });
      expect(again.events.map((e) => e.id)).toEqual(['fast-1', 'slow-1']);
      // From 0: the history before the reader listened (by id, as on SQLite), then the log.
      const all = await reader.getEventFeed({ after: 0 });
      expect(all.cursor).toBe(begin);
      const rest = await reader.getEventFeed({ after: all.cursor });
      expect([...all.events, ...rest.events].map((e) => e.id)).toEqual([
        expect.stringMatching(/^bm:/),
        'fast-1',
        'slow-1',
      ]);
    } finally {
      await blocker.end().catch(() => {});
      await Promise.all([reader.close(), slow.close(), fast.close()]);
    }
  });

  it('reads once from below the base an event with an id under it that committed after listening began', async () => {
    const databaseUrl = await createTestDatabase('commit_base');
    const reader = openResourceTracker({ databaseUrl, flushOnExit: false });
    const slow = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const fast = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const blocker = new pg.Client({ connectionString: databaseUrl });
    try {
      for (let i = 0; i < 3; i++) slow.trackApiCall('x', 's3', { id: `old-${i}` });
      expect((await slow.flush()).error).toBeUndefined();
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query(
        "select * from rollups where backend_id = (select id from backends where name = 'x') for update",
      );
      slow.trackApiCall('x', 's3', { id: 'slow' });
      const slowFlush = slow.flush();
      await lockWaiters(blocker, 1, 'the slow batch to wait on the lock');
      fast.trackApiCall('y', 's3', { id: 'fast' });
      expect((await fast.flush()).error).toBeUndefined();
      // Listening begins with the base at fast's id, above the id the slow batch holds uncommitted.
      const { cursor: base } = await reader.getEventFeed({});
      await blocker.query('commit');
      expect((await slowFlush).error).toBeUndefined();
      const ids: string[] = [];
      let cursor = 0;
      for (let page = 0; page < 4; page++) {
        const next = await reader.getEventFeed({ after: cursor, limit: 2 });
        ids.push(...next.events.map((e) => e.id));
        cursor = next.cursor;
      }
      expect(cursor).toBe(base + 1);
      expect(ids).toEqual(['old-0', 'old-1', 'old-2', 'fast', 'slow']);
    } finally {
      await blocker.end().catch(() => {});
      await Promise.all([reader.close(), slow.close(), fast.close()]);
    }
  });

  /**
   * A batch holding an id under the base commits after the feed computed the first history page (nothing
   * logged yet) and before that page's rows are read; `readAll` then reads the feed from 0.
   */
  async function commitDuringHistoryPage<R>(
    name: string,
    readAll: (reader: ReturnType<typeof openResourceTracker>) => Promise<R>,
  ): Promise<R> {
    const databaseUrl = await createTestDatabase(name);
    const reader = openResourceTracker({ databaseUrl, flushOnExit: false });
    const slow = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const fast = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const blocker = new pg.Client({ connectionString: databaseUrl });
    const original = CommitFeed.prototype.read;
    try {
      for (let i = 0; i < 3; i++) slow.trackBandwidthUpload('x', 's3', 1, { id: `old-${i}` });
      expect((await slow.flush()).error).toBeUndefined();
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query(
        "select * from rollups where backend_id = (select id from backends where name = 'x') for update",
      );
      slow.trackBandwidthUpload('x', 's3', 100, { id: 'slow' });
      const slowFlush = slow.flush();
      await lockWaiters(blocker, 1, 'the slow batch to wait on the lock');
      fast.trackBandwidthUpload('y', 's3', 10, { id: 'fast' });
      expect((await fast.flush()).error).toBeUndefined();
      await reader.getEventFeed({}); // listening begins: the base is fast's id, above slow's
      let armed = true;
      CommitFeed.prototype.read = async function (this: CommitFeed, after: number, limit: number) {
        const slice = await original.call(this, after, limit);
        if (armed) {
          armed = false;
          await blocker.query('commit');
          expect((await slowFlush).error).toBeUndefined();
        }
        return slice;
      };
      return await readAll(reader);
    } finally {
      CommitFeed.prototype.read = original;
      await blocker.end().catch(() => {});
      await Promise.all([reader.close(), slow.close(), fast.close()]);
    }
  }

  it('reads once from below the base an event that commits between the history page and its rows', async () => {
    const ids = await commitDuringHistoryPage('commit_base_race', async (reader) => {
      const ids: string[] = [];
      let cursor = 0;
      for (let page = 0; page < 4; page++) {
        const next = await reader.getEventFeed({ after: cursor, limit: 10 });
        ids.push(...next.events.map((e) => e.id));
        cursor = next.cursor;
      }
      return ids;
    });
    expect(ids).toEqual(['old-0', 'old-1', 'old-2', 'fast', 'slow']);
  });

  it('counts the bytes of such an event once', async () => {
    const delta = await commitDuringHistoryPage('commit_base_race_bytes', (reader) =>
      reader.getBandwidthFeed({ after: 0 }),
    );
    expect(delta.uploadBytes).toBe(3 + 100 + 10);
  });

  it('pages commits by id count, and a reader behind the kept window resumes at its oldest commit', async () => {
    const databaseUrl = await createTestDatabase('commit_log');
    let now = 0;
    const log = new CommitFeed(databaseUrl, 1000, () => now);
    const writer = openResourceTracker({ databaseUrl, flushOnExit: false });
    try {
      const start = await log.sync();
      expect(start).toBe(0);
      const commit = async (n: number) => {
        for (let i = 0; i < n; i++) writer.trackApiCall('a', 's3');
        expect((await writer.flush()).error).toBeUndefined();
        // Received (and time-stamped by the log) now, not at some later read.
        await log.sync();
      };
      await commit(3);
      now = 500;
      await commit(4);
      const first = await log.read(0, 5);
      expect(first.cursor).toBe(5);
      const second = await log.read(first.cursor, 5);
      expect(second.cursor).toBe(7);
      expect(new Set([...idsOf(first.ranges), ...idsOf(second.ranges)]).size).toBe(7);
      // The first commit (received at 0) falls out of a 1000 ms window; a reader at 0 resumes at the second,
      // says how many it jumped over, and a warning tells the operator.
      now = 1200;
      await commit(2);
      const warnings: string[] = [];
      const onWarning = (w: Error & { code?: string }) => warnings.push(`${w.code}: ${w.message}`);
      process.on('warning', onWarning);
      try {
        const behind = await log.read(0, 100);
        expect(idsOf(behind.ranges)).toHaveLength(6);
        expect(behind.cursor).toBe(9);
        expect(behind.skipped).toBe(3);
        expect(await log.read(behind.cursor, 100)).toEqual({ ranges: [], cursor: 9, skipped: 0, history: false });
        await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
        expect(warnings).toEqual([expect.stringMatching(/^BYTEMETER_FEED_GAP: .*1 s behind.* 3 events/)]);
      } finally {
        process.off('warning', onWarning);
      }
    } finally {
      await log.close();
      await writer.close();
    }
  });

  it('listens again after its connection is killed, warns, and logs what committed meanwhile once', async () => {
    const databaseUrl = await createTestDatabase('commit_gap');
    const log = new CommitFeed(databaseUrl);
    const writer = openResourceTracker({ databaseUrl, flushOnExit: false });
    const admin = new pg.Client({ connectionString: databaseUrl });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      await admin.connect();
      const start = await log.sync();
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'select 1' and pid <> pg_backend_pid()",
      );
      expect(killed.rowCount).toBe(1);
      await waitFor(async () => warnings.includes('BYTEMETER_FEED_GAP'), 'the gap warning');
      // Committed while nobody listens: the reconnection finds these, once.
      for (let i = 0; i < 3; i++) writer.trackApiCall('during', 's3');
      expect((await writer.flush()).error).toBeUndefined();
      await log.sync();
      writer.trackApiCall('after', 's3');
      expect((await writer.flush()).error).toBeUndefined();
      const slice = await log.read(start, 100);
      const ids = idsOf(slice.ranges);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      expect(slice.cursor - start).toBe(4);
      const { rows } = await admin.query<{ id: number }>('select id::int as id from events order by id');
      expect(ids).toEqual(rows.map((r) => r.id));
    } finally {
      process.off('warning', onWarning);
      await admin.end();
      await log.close();
      await writer.close();
    }
  });
});

describe('event feed across a broken LISTEN connection', () => {
  it('gives every subscriber every event exactly once, one whose id was taken before the break and committed during it included', async () => {
    const databaseUrl = await createTestDatabase('commit_gap_held');
    const open = () => openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const reader = open();
    const replica = open();
    const slow = open();
    const late = open();
    const fast = open();
    const admin = new pg.Client({ connectionString: databaseUrl });
    const blockers = [
      new pg.Client({ connectionString: databaseUrl }),
      new pg.Client({ connectionString: databaseUrl }),
    ];
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      await Promise.all([reader.ready, replica.ready, slow.ready, late.ready, fast.ready]);
      await admin.connect();
      await Promise.all(blockers.map((b) => b.connect()));
      // The rollup rows the held batches will upsert exist, so a lock on one holds its batch mid-transaction.
      slow.trackApiCall('x', 's3');
      late.trackApiCall('z', 's3');
      expect((await slow.flush()).error).toBeUndefined();
      expect((await late.flush()).error).toBeUndefined();

      // Two subscribers on the replica whose connection is killed (one reads before the break, one only
      // after), one on a replica that keeps listening.
      const subscribers = [reader, reader, replica].map((tracker) => ({ tracker, cursor: 0, seen: [] as string[] }));
      const listeners = async () =>
        (
          await admin.query<{ pid: number }>(
            "select pid from pg_stat_activity where datname = current_database() and application_name = 'bytemeter_listen_bytemeter_events'",
          )
        ).rows.map((r) => r.pid);
      subscribers[0]!.cursor = (await reader.getEventFeed({})).cursor;
      subscribers[1]!.cursor = (await reader.getEventFeed({})).cursor;
      const readerListeners = await listeners();
      expect(readerListeners).toHaveLength(1);
      subscribers[2]!.cursor = (await replica.getEventFeed({})).cursor;
      const poll = async (s: (typeof subscribers)[number]) => {
        for (;;) {
          const page = await s.tracker.getEventFeed({ after: s.cursor, limit: 2 });
          s.cursor = page.cursor;
          if (page.events.length === 0) return;
          s.seen.push(...page.events.map((e) => e.id));
        }
      };
      const hold = async (blocker: pg.Client, backend: string) => {
        await blocker.query('begin');
        await blocker.query(
          'select * from rollups where backend_id = (select id from backends where name = $1) for update',
          [backend],
        );
      };

      // A batch takes its event id and waits; a later id commits and is read before the break.
      await hold(blockers[0]!, 'x');
      slow.trackApiCall('x', 's3', { id: 'held-1' });
      const slowFlush = slow.flush();
      await lockWaiters(admin, 1, 'the batch to wait on the lock');
      fast.trackBandwidthUpload('y', 's3', 10, { id: 'before-1' });
      expect((await fast.flush()).error).toBeUndefined();
      await poll(subscribers[0]!);
      expect(subscribers[0]!.seen).toEqual(['before-1']);

      // The break: the reader's LISTEN connection is killed. Meanwhile the held batch commits, others too,
      // and another batch takes its id and waits, to commit only once the reader listens again.
      await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [readerListeners]);
      await waitFor(async () => warnings.includes('BYTEMETER_FEED_GAP'), 'the gap warning');
      await blockers[0]!.query('commit');
      expect((await slowFlush).error).toBeUndefined();
      for (let i = 1; i <= 3; i++) fast.trackBandwidthUpload('y', 's3', i, { id: `during-${i}` });
      expect((await fast.flush()).error).toBeUndefined();
      await hold(blockers[1]!, 'z');
      late.trackApiCall('z', 's3', { id: 'after-held' });
      const lateFlush = late.flush();
      await lockWaiters(admin, 1, 'the batch to wait on the lock');

      // Reading reconnects and catches up; then the rest commits and is heard as usual.
      for (const s of subscribers) await poll(s);
      expect(await listeners()).toHaveLength(2);
      await blockers[1]!.query('commit');
      expect((await lateFlush).error).toBeUndefined();
      fast.trackBandwidthUpload('y', 's3', 7, { id: 'after-1' });
      expect((await fast.flush()).error).toBeUndefined();
      for (const s of subscribers) await poll(s);
      for (const s of subscribers) await poll(s);

      // Everything stored, in id order (a fresh log reads history by id): the held event's id is below one
      // read before the break, so "above the newest id seen" would miss it.
      const stored = (await fast.getEventFeed({ after: 0 })).events.map((e) => e.id);
      expect(stored.indexOf('held-1')).toBeLessThan(stored.indexOf('before-1'));
      const expected = stored.filter((id) => /^(held|before|during|after)/.test(id)).sort();
      expect(expected).toEqual(['after-1', 'after-held', 'before-1', 'during-1', 'during-2', 'during-3', 'held-1']);
      for (const s of subscribers) {
        expect([...s.seen].sort()).toEqual(expected);
        // Commit order across the reconnection: what committed during the break comes before what after.
        const at = (id: string) => s.seen.indexOf(id);
        expect(at('before-1')).toBe(0);
        for (const during of ['held-1', 'during-1', 'during-2', 'during-3']) {
          expect(at(during)).toBeLessThan(at('after-held'));
        }
        expect(at('after-held')).toBeLessThan(at('after-1'));
      }
    } finally {
      process.off('warning', onWarning);
      await Promise.all([admin, ...blockers].map((c) => c.end().catch(() => {})));
      await Promise.all([reader, replica, slow, late, fast].map((t) => t.close()));
    }
  });
});

describe('event feed across a broken LISTEN connection noticed late', () => {
  it('looks back one window from when the connection was last heard, so an id taken before the break is found', async () => {
    const databaseUrl = await createTestDatabase('commit_gap_late');
    let now = 0;
    const log = new CommitFeed(databaseUrl, 1000, () => now);
    const slow = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const fast = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const admin = new pg.Client({ connectionString: databaseUrl });
    const blocker = new pg.Client({ connectionString: databaseUrl });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      await Promise.all([admin.connect(), blocker.connect()]);
      slow.trackApiCall('x', 's3');
      expect((await slow.flush()).error).toBeUndefined();
      const start = await log.sync();

      // At 10 s: a batch takes its id and waits on a lock; a later id commits and is read.
      now = 10_000;
      await blocker.query('begin');
      await blocker.query(
        "select * from rollups where backend_id = (select id from backends where name = 'x') for update",
      );
      slow.trackApiCall('x', 's3', { id: 'held' });
      const slowFlush = slow.flush();
      await lockWaiters(admin, 1, 'the held batch to wait on the lock');
      // Another backend and resource: nothing the held batch locks.
      fast.trackBandwidthUpload('y', 's3', 10);
      expect((await fast.flush()).error).toBeUndefined();
      const before = await log.read(start, 100);
      expect(idsOf(before.ranges)).toHaveLength(1);

      // The break is noticed long after the 1 s window (as a silent network cut would be): the held batch
      // commits while nobody listens.
      now = 100_000;
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'bytemeter_listen_bytemeter_events'",
      );
      await waitFor(async () => warnings.includes('BYTEMETER_FEED_GAP'), 'the gap warning');
      await blocker.query('commit');
      expect((await slowFlush).error).toBeUndefined();
      const after = await log.read(before.cursor, 100);

      const { rows } = await admin.query<{ id: number }>('select id::int as id from events order by id');
      expect(rows).toHaveLength(3);
      const [, held, later] = rows.map((r) => r.id);
      // The held id is below the newest one read before the break, and still logged, once.
      expect(held).toBeLessThan(later!);
      expect(idsOf(before.ranges)).toEqual([later]);
      expect(idsOf(after.ranges)).toEqual([held]);
      expect(after.cursor).toBe(before.cursor + 1);
    } finally {
      process.off('warning', onWarning);
      await Promise.all([admin, blocker].map((c) => c.end().catch(() => {})));
      await log.close();
      await Promise.all([slow.close(), fast.close()]);
    }
  });
});

describe('a LISTEN connection that breaks while it opens', () => {
  const LISTENER = "application_name = 'bytemeter_listen_bytemeter_events' and datname = current_database()";

  it('is not kept when it dies during the first look-up, and the next read listens again and logs', async () => {
    const databaseUrl = await createTestDatabase('commit_open_dies');
    const writer = openResourceTracker({ databaseUrl, flushOnExit: false, clock: () => T });
    const log = new CommitFeed(databaseUrl);
    const admin = new pg.Client({ connectionString: databaseUrl });
    const locker = new pg.Client({ connectionString: databaseUrl });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      await Promise.all([admin.connect(), locker.connect()]);
      writer.trackApiCall('x', 's3');
      expect((await writer.flush()).error).toBeUndefined();
      // The feed's first look-up (the newest event id) waits on this lock; it is killed there.
      await locker.query('begin');
      await locker.query('lock table events in access exclusive mode');
      const first = log.sync();
      await lockWaiters(admin, 1, 'the look-up to wait on the lock');
      const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where ${LISTENER}`);
      expect(killed.rowCount).toBe(1);
      await expect(first).rejects.toThrow();
      await locker.query('commit');
      // Not a missing table: the base is not taken as 0 and the dead connection is not kept.
      const start = await log.sync();
      const { rows } = await admin.query<{ id: number }>('select max(id)::int as id from events');
      expect(start).toBe(rows[0]!.id);
      writer.trackApiCall('x', 's3');
      expect((await writer.flush()).error).toBeUndefined();
      const slice = await log.read(start, 100);
      expect(idsOf(slice.ranges)).toEqual([start + 1]);
      // It never listened, so nothing was missed: no gap warning.
      expect(warnings).not.toContain('BYTEMETER_FEED_GAP');
    } finally {
      process.off('warning', onWarning);
      await Promise.all([admin, locker].map((c) => c.end().catch(() => {})));
      await log.close();
      await writer.close();
    }
  });

  it('is not handed out when it ends after it listened, and counts as a break', async () => {
    const databaseUrl = await createTestDatabase('listen_open_ends');
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const opened: boolean[] = [];
    let lost = 0;
    const listener = new PgListener(
      databaseUrl,
      'bytemeter_test',
      () => {},
      () => lost++,
      async (client, again) => {
        opened.push(again);
        if (again) return;
        // The first connection ends after its look-up succeeded and before it is handed out.
        const ended = new Promise((resolve) => client.once('end', resolve));
        await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bytemeter_listen_bytemeter_test' and datname = current_database()",
        );
        await ended;
      },
    );
    try {
      await expect(listener.ready()).rejects.toThrow(/broke as it opened/);
      expect(listener.listening).toBe(false);
      expect(lost).toBe(1);
      const client = await listener.ready();
      expect(opened).toEqual([false, true]);
      expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect(listener.listening).toBe(true);
    } finally {
      await admin.end();
      await listener.close();
    }
  });
});
