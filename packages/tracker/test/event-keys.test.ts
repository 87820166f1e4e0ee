import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { encodeEventKey } from '../src/ids/event-key.js';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { countStoreRows, DIALECTS, queryStore, type StoreOptions, testStores } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Idempotency keys live in their own table (migration 0004): unique per backend, kept for their own
// dedupe window whatever the raw retention, pruned after it; keys stored before 0004 move over. Since
// migration 0008 a key is stored there only (no longer on its raw row): an event's id is read from its key
// row while the key is kept, and is `bm:<n>` after.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function openDb(store: StoreOptions): Kysely<any> {
  return store.databaseUrl ? openPostgres(store.databaseUrl).db : openSqlite(store.path!, 5000).db;
}

/** The schema just before 0008: raw rows still carry their key. */
const BEFORE_0008 = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0008-keys-once') - 1]!;

async function columnsOf(db: Kysely<any>, table: string): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.find((t) => t.name === table)!.columns.map((c) => c.name);
}

/** Every id the store answers for the last day: drill-down pages, NDJSON export and the event feed. */
async function servedIds(t: ResourceTracker): Promise<{ page: string[]; exported: string[]; feed: string[] }> {
  const page: string[] = [];
  let cursor: string | null = null;
  do {
    const p = await t.getResourceUsage({ hoursBack: 24, limit: 100, ...(cursor ? { cursor } : {}) });
    page.push(...p.events.map((e) => e.id));
    cursor = p.nextCursor;
  } while (cursor);
  page.sort();
  let text = '';
  for await (const chunk of t.exportUsage({ hoursBack: 24, format: 'ndjson' })) text += chunk;
  const exported = text
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: string }).id)
    .sort();
  const feed = (await t.getEventFeed({ after: 0 })).events.map((e) => e.id).sort();
  return { page, exported, feed };
}

async function uploads(t: ResourceTracker, from: number, to: number): Promise<{ total: number; count: number }> {
  const s = await t.getResourceSummary({ from: new Date(from), to: new Date(to) });
  const r = s.backends.b?.resources.bandwidth_upload;
  return { total: r?.totalAmount ?? 0, count: r?.operationCount ?? 0 };
}

describe.each(DIALECTS)('idempotency keys in their own table (%s)', (dialect) => {
  const newStore = testStores(dialect, 'event-keys');

  it('an id is remembered for dedupeWindowMs even after its raw event is pruned, and forgotten after', async () => {
    const store = await newStore('window');
    const clock = fixedClock(NOW);
    const t = openResourceTracker({
      ...store,
      clock: clock.now,
      rawRetentionMs: HOUR,
      dedupeWindowMs: 2 * DAY,
      flushOnExit: false,
    });
    try {
      t.trackBandwidthUpload('b', 's3', 10, { id: 'order-1', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      clock.advance(5 * HOUR);
      t.trackApiCall('b', 's3'); // a flush that prunes the raw hour
      await t.flush();
      expect(await countStoreRows(store, 'events')).toBe(1); // only the api call is left raw
      t.trackBandwidthUpload('b', 's3', 10, { id: 'order-1', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
      clock.advance(3 * DAY); // past the window: the key is pruned at the next flush
      t.trackApiCall('b', 's3');
      await t.flush();
      expect(await countStoreRows(store, 'event_keys')).toBe(0);
      t.trackBandwidthUpload('b', 's3', 10, { id: 'order-1', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      expect(await uploads(t, NOW - DAY, NOW + DAY)).toEqual({ total: 20, count: 2 });
    } finally {
      await t.close();
    }
  });

  it('a key is unique per backend: the same id on two backends is two events', async () => {
    const store = await newStore('per-backend');
    const t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
    try {
      t.trackBandwidthUpload('b', 's3', 1, { id: 'same', timestamp: NOW - 1000 });
      t.trackBandwidthUpload('c', 's3', 2, { id: 'same', timestamp: NOW - 1000 });
      t.trackBandwidthUpload('c', 's3', 2, { id: 'same', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 2, duplicates: 1 });
      expect(await countStoreRows(store, 'event_keys')).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('migration 0004 moves keys stored on raw events into event_keys, so they still deduplicate', async () => {
    const store = await newStore('migrate');
    const db = openDb(store);
    try {
      expect((await migrateTo(db, '0003-resource-totals')).error).toBeUndefined();
      await sql`insert into backends (name, type, created_at) values ('b', 's3', ${NOW})`.execute(db);
      const key = encodeEventKey('before-0004');
      await sql`insert into events (ts, backend_id, resource, amount, success, key)
        values (${NOW - 1000}, 1, 0, 10, 1, ${key}), (${NOW - 900}, 1, 0, 5, 1, null)`.execute(db);
      expect((await migrateToLatest(db)).error).toBeUndefined();
      const rows = await sql<{ backend_id: number; ts: number }>`select backend_id, ts from event_keys`.execute(db);
      expect(rows.rows.map((r) => [Number(r.backend_id), Number(r.ts)])).toEqual([[1, NOW - 1000]]);
    } finally {
      await db.destroy();
    }
    const t = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
    try {
      t.trackBandwidthUpload('b', 's3', 10, { id: 'before-0004', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
      const page = await t.getResourceUsage({ hoursBack: 1 });
      expect(page.events.map((e) => e.id)).toContain('before-0004');
    } finally {
      await t.close();
    }
  });
});

describe.each(DIALECTS)('each key stored once, in event_keys (%s)', (dialect) => {
  const newStore = testStores(dialect, 'keys-once');

  it('raw rows hold no key; an event answers its id from event_keys while the key is kept, bm:<n> after', async () => {
    const store = await newStore('served');
    const clock = fixedClock(NOW);
    const t = openResourceTracker({ ...store, clock: clock.now, rawRetentionMs: null, dedupeWindowMs: DAY });
    try {
      t.trackBandwidthUpload('b', 's3', 10, { id: '0190f5a2-7c4e-7b3a-8f00-000000000001', timestamp: NOW - 1000 });
      t.trackBandwidthUpload('b', 's3', 5, { timestamp: NOW - 900 });
      t.trackBandwidthUpload('b', 's3', 7, { id: 'text key', timestamp: NOW - 800 });
      expect(await t.flush()).toEqual({ written: 3, duplicates: 0 });
      const db = openDb(store);
      try {
        expect(await columnsOf(db, 'events')).not.toContain('key');
        const linked = await sql<{ n: number | string }>`select count(*) as n from event_keys k
          join events e on e.id = k.event_id and e.backend_id = k.backend_id`.execute(db);
        expect(Number(linked.rows[0]!.n)).toBe(2);
      } finally {
        await db.destroy();
      }
      const [plain] = await queryStore<{ id: number | string }>(store, 'select id from events where amount = 5');
      const before = ['0190f5a2-7c4e-7b3a-8f00-000000000001', `bm:${plain!.id}`, 'text key'].sort();
      expect(await servedIds(t)).toEqual({ page: before, exported: before, feed: before });

      // Within the window a resend is a duplicate; past it the key is pruned, the raw rows stay and answer
      // their row ids, and the id counts again.
      clock.advance(DAY / 2);
      t.trackBandwidthUpload('b', 's3', 7, { id: 'text key', timestamp: NOW - 800 });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
      clock.advance(DAY);
      t.trackApiCall('b', 's3', { timestamp: NOW - 10_000_000 }); // a flush that prunes the keys
      await t.flush();
      expect(await countStoreRows(store, 'event_keys')).toBe(0);
      const rows = await queryStore<{ id: number | string }>(
        store,
        'select id from events where resource = (select resource from events where amount = 5) order by id',
      );
      const after = rows.map((r) => `bm:${r.id}`).sort();
      const served = await t.getResourceUsage({ from: new Date(NOW - 3_600_000), to: new Date(NOW), limit: 100 });
      expect(served.events.map((e) => e.id).sort()).toEqual(after);
      t.trackBandwidthUpload('b', 's3', 7, { id: 'text key', timestamp: NOW - 800 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      expect(await uploads(t, NOW - DAY, NOW + DAY)).toEqual({ total: 29, count: 4 });
    } finally {
      await t.close();
    }
  });

  it('a page reads its keys whether its row ids are close together (one id range) or spread out (id lists)', async () => {
    const store = await newStore('spans');
    const clock = fixedClock(NOW);
    const t = openResourceTracker({ ...store, clock: clock.now, rawRetentionMs: null, flushOnExit: false });
    try {
      // Ten backends interleaved: one backend's rows are ten ids apart (past the span a range read takes),
      // every backend's together are consecutive. Every third event has no key.
      const expected = new Map<string, string[]>();
      for (let i = 0; i < 300; i++) {
        const backend = `b${i % 10}`;
        const id = i % 3 === 0 ? undefined : `key-${i}`;
        t.trackApiCall(backend, 's3', { timestamp: NOW - 600_000 + i, ...(id ? { id } : {}) });
        if (id) expected.set(backend, [...(expected.get(backend) ?? []), id]);
      }
      expect((await t.flush()).written).toBe(300);
      const all = await t.getResourceUsage({ hoursBack: 1, limit: 1000 });
      expect(
        all.events
          .filter((e) => !e.id.startsWith('bm:'))
          .map((e) => e.id)
          .sort(),
      ).toEqual([...expected.values()].flat().sort());
      expect(all.events.filter((e) => e.id.startsWith('bm:'))).toHaveLength(100);
      const one = await t.getResourceUsage({ hoursBack: 1, limit: 1000, backend: 'b3' });
      expect(one.events).toHaveLength(30);
      expect(
        one.events
          .filter((e) => !e.id.startsWith('bm:'))
          .map((e) => e.id)
          .sort(),
      ).toEqual(expected.get('b3')!.sort());
    } finally {
      await t.close();
    }
  });

  it('a key outliving its raw row never names a later event: new rows get ids past every key', async () => {
    const store = await newStore('no-reuse');
    const clock = fixedClock(NOW);
    const t = openResourceTracker({ ...store, clock: clock.now, rawRetentionMs: HOUR, dedupeWindowMs: 2 * DAY });
    try {
      t.trackBandwidthUpload('b', 's3', 10, { id: 'only', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      clock.advance(5 * HOUR);
      t.trackApiCall('b', 's3', { timestamp: NOW - 2 * HOUR }); // not kept raw; its flush prunes the raw hour
      await t.flush();
      // SQLite keeps the expired row of the highest id until a newer row exists (its rowid would be handed
      // out again: retention.ts); PostgreSQL's ids come from a sequence.
      expect(await countStoreRows(store, 'events')).toBe(store.databaseUrl ? 0 : 1);
      const [key] = await queryStore<{ event_id: number | string }>(store, 'select event_id from event_keys');
      t.trackBandwidthUpload('b', 's3', 3);
      t.trackBandwidthUpload('b', 's3', 4, { id: 'next' });
      expect(await t.flush()).toEqual({ written: 2, duplicates: 0 });
      const ids = (await t.getResourceUsage({ hoursBack: 1 })).events.map((e) => e.id);
      expect(ids).toHaveLength(2);
      expect(ids).toContain('next');
      const other = ids.find((id) => id !== 'next')!;
      expect(other).toMatch(/^bm:\d+$/);
      expect(Number(other.slice(3))).toBeGreaterThan(Number(key!.event_id));
      t.trackBandwidthUpload('b', 's3', 10, { id: 'only', timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
    } finally {
      await t.close();
    }
  });

  it('migration 0008 takes keys off the raw rows of an existing store: totals, dedupe and ids unchanged', async () => {
    const store = await newStore('migrate-0008');
    const clock = fixedClock(NOW);
    const options = { ...store, clock: clock.now, rawRetentionMs: null, dedupeWindowMs: DAY, flushOnExit: false };
    let t = openResourceTracker(options);
    const keyOf = (i: number) => (i % 3 === 0 ? `0190f5a2-7c4e-7b3a-8f00-${String(i).padStart(12, '0')}` : `k-${i}`);
    for (let i = 0; i < 600; i++) {
      const opts = { timestamp: NOW - 600_000 + i * 997 };
      if (i % 4 === 3) t.trackApiCall(i % 2 ? 'b' : 'c', 's3', opts);
      else t.trackBandwidthUpload(i % 2 ? 'b' : 'c', 's3', i + 1, { ...opts, id: keyOf(i) });
    }
    expect(await t.flush()).toEqual({ written: 600, duplicates: 0 });
    const summary = await t.getResourceSummary({ period: 'day' });
    const served = await servedIds(t);
    await t.close();

    // Back to the schema before 0008, as a file written by the previous release stores it: the key on each
    // keyed raw row, key rows without a row id. One key is already past its window and pruned, as it would
    // be there; its raw row still carries it.
    const db = openDb(store);
    try {
      expect((await migrateTo(db, BEFORE_0008)).error).toBeUndefined();
      expect(await columnsOf(db, 'event_keys')).not.toContain('event_id');
      const keyed = await sql<{ n: number | string }>`select count(*) as n from events where key is not null`.execute(
        db,
      );
      expect(Number(keyed.rows[0]!.n)).toBe(450);
      await sql`delete from event_keys where key = ${encodeEventKey('k-1')}`.execute(db);
      expect((await migrateToLatest(db)).error).toBeUndefined();
      expect(await columnsOf(db, 'events')).not.toContain('key');
      const linked = await sql<{ n: number | string }>`select count(*) as n from event_keys k
        join events e on e.id = k.event_id and e.backend_id = k.backend_id`.execute(db);
      expect(Number(linked.rows[0]!.n)).toBe(449);
    } finally {
      await db.destroy();
    }

    t = openResourceTracker(options);
    try {
      expect(await t.getResourceSummary({ period: 'day' })).toEqual(summary);
      const [row] = await queryStore<{ id: number | string }>(store, 'select id from events where amount = 2');
      const expected = served.page.map((id) => (id === 'k-1' ? `bm:${row!.id}` : id)).sort();
      expect(await servedIds(t)).toEqual({ page: expected, exported: expected, feed: expected });
      // Every kept key is still a duplicate; the pruned one counts again, as it would have before.
      for (let i = 0; i < 600; i++) {
        if (i % 4 !== 3) t.trackBandwidthUpload(i % 2 ? 'b' : 'c', 's3', i + 1, { id: keyOf(i), timestamp: NOW - 1 });
      }
      expect(await t.flush()).toEqual({ written: 1, duplicates: 449 });
      t.trackBandwidthUpload('b', 's3', 1, { id: 'after-0008' });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      const newest = (await t.getResourceUsage({ hoursBack: 1, limit: 1 })).events[0]!;
      expect(newest.id).toBe('after-0008');
    } finally {
      await t.close();
    }
  });
});
