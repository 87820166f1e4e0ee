import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { queriesDuring } from './support/pg-queries.js';
import { createTestDatabase } from './support/postgres.js';

// Issue 10: a PostgreSQL batch draws one raw-row id per event from the events sequence. Named through
// pg_get_serial_sequence inline (or in a joined subquery), the server looked the sequence up again for every
// id, about 6 times the cost of the nextval itself; in a scalar subquery it is looked up once per batch.

const NOW = Date.UTC(2026, 11, 3, 12);

describe('PostgreSQL raw-row id reservation', () => {
  it('looks the events sequence up once per batch, not once per id', async () => {
    const url = await createTestDatabase('id reserve');
    const tracker = openResourceTracker({ databaseUrl: url, clock: () => NOW, flushOnExit: false });
    let sent: string[];
    try {
      sent = await queriesDuring(async () => {
        const events = Array.from({ length: 50 }, (_, i) => ({
          backend: 'photos',
          backendType: 's3' as const,
          resourceType: 'bandwidth_upload' as const,
          amount: i + 1,
          timestamp: NOW - 1000 + i,
        }));
        expect(await tracker.ingestBatch(events)).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
      });
    } finally {
      await tracker.close();
    }
    const reserve = sent
      .flatMap((text) => text.split(';\n'))
      .map((statement) => statement.trim())
      .find((statement) => statement.startsWith('with ids as'));
    expect(reserve).toBeDefined();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (verbose, costs off) ${reserve}`);
      const plan = rows.map((row) => row['QUERY PLAN']);
      const perId = plan.filter((line) => line.includes('nextval('));
      expect(perId.length).toBeGreaterThan(0);
      // The lookup is a parameter of the plan (an InitPlan), not part of each nextval call.
      for (const line of perId) expect(line).not.toMatch(/pg_get_serial_sequence/);
      expect(plan.some((line) => line.includes('InitPlan'))).toBe(true);
    } finally {
      await client.end();
    }
  });
});
