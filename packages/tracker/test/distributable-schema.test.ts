import { describe, expect, it } from 'vitest';
import { migrateTo } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openResourceTracker } from '../src/index.js';
import { createTestDatabase } from './support/postgres.js';
import { queryStore } from './support/stores.js';

// Issue 10, item 5: the schema stays distributable by backend_id (Citus): a distributed table's unique
// constraints must include its distribution column. What the README's "Distribute with Citus" runs
// relies on this for events, rollups, idempotency keys and backend state.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const DISTRIBUTED = ['events', 'rollups', 'backend_totals', 'event_keys', 'backend_state'];

/** Every unique constraint (primary keys included) of a table, as its column lists. */
async function uniqueKeys(databaseUrl: string, table: string): Promise<string[][]> {
  const rows = await queryStore<{ name: string; columns: string[] }>(
    { databaseUrl },
    `select c.conname as name, array_agg(a.attname::text order by k.n) as columns
       from pg_constraint c
       cross join lateral unnest(c.conkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      where c.conrelid = '${table}'::regclass and c.contype in ('p', 'u')
      group by c.conname`,
  );
  const indexes = await queryStore<{ columns: string[] }>(
    { databaseUrl },
    `select array_agg(a.attname::text order by k.n) as columns
       from pg_index i
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = '${table}'::regclass and i.indisunique
      group by i.indexrelid`,
  );
  return [...rows.map((r) => r.columns), ...indexes.map((r) => r.columns)];
}

describe('a schema Citus can distribute by backend_id (PostgreSQL)', () => {
  it('every unique constraint and unique index of the per-backend tables includes backend_id', async () => {
    const databaseUrl = await createTestDatabase('distributable');
    const t = openResourceTracker({ databaseUrl, clock: () => NOW, flushOnExit: false });
    await t.ready;
    await t.close();
    for (const table of DISTRIBUTED) {
      const keys = await uniqueKeys(databaseUrl, table);
      expect(keys.length, table).toBeGreaterThan(0);
      for (const columns of keys) expect(columns, `${table} (${columns.join(', ')})`).toContain('backend_id');
    }
    // Ids stay first in the events key: the one index still serves every read by id.
    const [eventsKey] = await queryStore<{ def: string }>(
      { databaseUrl },
      "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'events_pkey'",
    );
    expect(eventsKey!.def).toBe('PRIMARY KEY (id, backend_id)');
  });

  it('the migration keeps every event of an older database; a repeated key is still refused', async () => {
    const databaseUrl = await createTestDatabase('events_key');
    const { db } = openPostgres(databaseUrl);
    try {
      expect((await migrateTo(db, '0005-pricing')).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
    // Rows as the older schema held them, then a tracker (which migrates on open) writes after them.
    await queryStore(
      { databaseUrl },
      `insert into backends (name, type, created_at) values ('photos', 's3', ${NOW});
       insert into events (ts, backend_id, resource, amount, success) values (${NOW - 1000}, 1, 1, 7, 1), (${NOW - 500}, 1, 1, 8, 1)`,
    );
    const t = openResourceTracker({ databaseUrl, clock: () => NOW, flushOnExit: false });
    try {
      await t.ready;
      t.trackBandwidthUpload('photos', 's3', 9, { timestamp: NOW - 100 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
    } finally {
      await t.close();
    }
    const rows = await queryStore<{ id: number; amount: number }>(
      { databaseUrl },
      'select id::int as id, amount::int as amount from events order by id',
    );
    expect(rows.map((r) => [r.id, r.amount])).toEqual([
      [1, 7],
      [2, 8],
      [3, 9],
    ]);
    await expect(
      queryStore(
        { databaseUrl },
        `insert into events (id, ts, backend_id, resource, amount, success) values (1, ${NOW}, 1, 1, 1, 1)`,
      ),
    ).rejects.toThrow(/duplicate key/);
  });
});
