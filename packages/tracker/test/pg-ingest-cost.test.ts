import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { parameterisedDuring, queriesDuring } from './support/pg-queries.js';
import { createTestDatabase } from './support/postgres.js';

// Issue 10: server CPU per ingested event on PostgreSQL, checked in the plans of the statements the tracker
// sends. A batch draws one raw-row id per event from the events sequence: named through
// pg_get_serial_sequence inline (or in a joined subquery), the server looked the sequence up again for every
// id, about 6 times the cost of the nextval itself; in a scalar subquery it is looked up once per batch.
// The keys statement lists the keys it inserted only when some were already stored.

const NOW = Date.UTC(2026, 11, 3, 12);

const keyedEvents = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    backend: 'photos',
    backendType: 's3' as const,
    resourceType: 'bandwidth_upload' as const,
    amount: i + 1,
    timestamp: NOW - 1000 + i,
    id: `0190f5a2-7c4e-7b3a-8f00-${String(i).padStart(12, '0')}`,
  }));

describe('PostgreSQL ingest statements', () => {
  it('looks the events sequence up once per batch, not once per raw-row id', async () => {
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

  it('encodes the inserted keys only when some key was already stored', async () => {
    const url = await createTestDatabase('keys listed');
    const tracker = openResourceTracker({ databaseUrl: url, clock: () => NOW, flushOnExit: false });
    let sent: { text: string; values: unknown[] }[];
    try {
      await tracker.ready;
      sent = await parameterisedDuring(async () => {
        expect(await tracker.ingestBatch(keyedEvents(20))).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
      });
    } finally {
      await tracker.close();
    }
    const keys = sent.find((s) => s.text.startsWith('with ids as'));
    expect(keys).toBeDefined();
    // The same statement run again, analysed: every key is stored now, so its list is built.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const analysed = async (values: unknown[]) => {
      await client.query('begin');
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, costs off, timing off) ${keys!.text}`,
          values,
        );
        return rows.map((row) => row['QUERY PLAN']);
      } finally {
        await client.query('rollback');
      }
    };
    try {
      const fresh = keys!.values.map((v) => (typeof v === 'string' ? v.replaceAll('0190f5a2', '0190f5a3') : v));
      // New keys only: the list's aggregate never runs.
      expect((await analysed(fresh)).some((line) => /Aggregate.*never executed/.test(line))).toBe(true);
      // Stored keys: it runs (and the tracker learns which were duplicates).
      expect((await analysed(keys!.values)).some((line) => /never executed/.test(line))).toBe(false);
    } finally {
      await client.end();
    }
  });
});
