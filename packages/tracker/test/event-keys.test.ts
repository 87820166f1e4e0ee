import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { encodeEventKey } from '../src/ids/event-key.js';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { countStoreRows, DIALECTS, type StoreOptions, testStores } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Idempotency keys live in their own table (migration 0004): unique per backend, kept for their own
// dedupe window whatever the raw retention, pruned after it; keys stored before 0004 move over.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function openDb(store: StoreOptions): Kysely<any> {
  return store.databaseUrl ? openPostgres(store.databaseUrl).db : openSqlite(store.path!, 5000).db;
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
