import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openResourceTracker, type TrackEvent } from '../src/index.js';
import { queriesDuring } from './support/pg-queries.js';
import { createTestDatabase } from './support/postgres.js';

// Issue 10: a PostgreSQL write transaction that waits for its client between statements holds its locks and
// its server process meanwhile. A keyed batch of a known backend goes out as four round trips, not one per
// statement (16): BEGIN; the keys (user text, so a parameterised statement of its own); state rows and
// totals, locked; the writes with the commit. Each event column of user text (path, metadata, operation
// id) adds one: the events insert goes parameterised too. And it stays exact.

const NOW = Date.UTC(2026, 11, 3, 12);

const batch = (from: number, n: number, backend = 'photos'): TrackEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    backend,
    backendType: 's3',
    resourceType: 'bandwidth_upload',
    amount: from + i + 1,
    timestamp: NOW - 1000 + i,
    id: `0190f5a2-7c4e-7b3a-8f00-${String(from + i).padStart(12, '0')}`,
  }));

describe('PostgreSQL ingest round trips', () => {
  it('a keyed batch of a known backend takes four round trips, five with a text column', async () => {
    const url = await createTestDatabase('round trips');
    const tracker = openResourceTracker({ databaseUrl: url, clock: () => NOW, flushOnExit: false });
    try {
      await tracker.ingestBatch(batch(0, 10));
      const sent = await queriesDuring(async () => {
        const result = await tracker.ingestBatch(batch(10, 1000));
        expect(result).toEqual({ accepted: 1000, duplicates: 0, rejected: [] });
      });
      // The write's queries (a budget check may read meanwhile, in a read-only transaction of its own).
      const writes = sent.filter((text) => /read committed|insert into|for update|pg_advisory/.test(text));
      expect(writes).toHaveLength(4);
      expect(writes[0]).toBe('begin isolation level read committed');
      expect(writes[1]).toMatch(/insert into event_keys[\s\S]*\$1::text\[\]/);
      expect(writes[2]).toMatch(/for update[\s\S]*pg_advisory/);
      expect(writes[3]).toMatch(/^insert into "events"[\s\S]*;\s*commit$/);
      // With a path: the events insert is a parameterised statement of its own, before the rest and COMMIT.
      const withPath = await queriesDuring(async () => {
        const result = await tracker.ingestBatch(batch(3000, 10).map((e) => ({ ...e, path: '/a' })));
        expect(result).toEqual({ accepted: 10, duplicates: 0, rejected: [] });
      });
      const pathWrites = withPath.filter((text) => /read committed|insert into|for update|pg_advisory/.test(text));
      expect(pathWrites).toHaveLength(5);
      expect(pathWrites[3]).toMatch(/^insert into "events" .* select \* from unnest\(\$1::bigint\[\]/);
      expect(pathWrites[4]).toMatch(/;\s*commit$/);
      // Resent with new events mixed in: the old ones are duplicates, only the new ones count.
      const again = await tracker.ingestBatch([...batch(400, 600), ...batch(5000, 5)]);
      expect(again).toEqual({ accepted: 5, duplicates: 600, rejected: [] });
    } finally {
      await tracker.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select (select count(*)::int from events) as n, (select sum(amount)::text from events) as s,
          (select count(*)::int from event_keys e join events v on v.id = e.event_id) as linked,
          (select total::text from rollups where level = (select min(level) from rollups) limit 1) as rollup`,
      );
      const amounts = [...batch(0, 10), ...batch(10, 1000), ...batch(3000, 10), ...batch(5000, 5)].map((e) => e.amount);
      const sum = amounts.reduce((a, b) => a + b, 0);
      expect(rows[0]).toEqual({ n: 1025, s: String(sum), linked: 1025, rollup: String(sum) });
    } finally {
      await client.end();
    }
  });
});
