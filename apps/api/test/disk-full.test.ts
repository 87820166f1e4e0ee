import type { ResourceTracker } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { codes, createTestApi } from './support/harness.js';

// A real SQLITE_FULL through the API: the tracker's connection may not grow the file past its current size
// (PRAGMA max_page_count), which is what SQLite answers on a full disk; raising it frees space. SQLite on
// both runs: a PostgreSQL server out of space (53100) maps to the same StorageFullError in the tracker's
// runner, but cannot be caused from a test.

const TRACK = `mutation($events: [UsageEventInput!]!) { trackUsage(events: $events) { accepted duplicates } }`;
const TOTALS = '{ usageSummary(period: DAY) { totals { apiCalls } } }';

/** The tracker's own better-sqlite3 connection (max_page_count is per connection). */
interface Pragmas {
  pragma(source: string, options?: { simple: boolean }): unknown;
}

function sqliteOf(tracker: ResourceTracker): Pragmas {
  return (tracker as unknown as { file: { sqlite: Pragmas } }).file.sqlite;
}

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    backend: 'b',
    backendType: 'S3',
    resourceType: 'API_CALLS',
    amount: 1,
    id: `call-${from + i}`,
  }));

describe('disk full through the API', () => {
  it('answers STORAGE_FULL (503, retryable), logs once, reports it in /healthz, keeps reading, and recovers', async () => {
    const api = await createTestApi({}, 'sqlite');
    const sqlite = sqliteOf(api.tracker);
    const logged: string[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
      let acknowledged = 0;
      let next = 0;
      let refused: Awaited<ReturnType<typeof api.execute>> | undefined;
      const refusedBatches: ReturnType<typeof batch>[] = [];
      // Fill during ingest: batches are acknowledged until the file cannot grow.
      while (!refused) {
        const events = batch(next, 100);
        next += 100;
        const r = await api.execute<{ trackUsage: { accepted: number } }>(TRACK, { events });
        if (r.errors) {
          refused = r;
          refusedBatches.push(events);
        } else acknowledged += r.data?.trackUsage.accepted ?? 0;
      }
      expect(refused.status).toBe(503);
      expect(codes(refused)).toEqual(['STORAGE_FULL']);
      expect(refused.errors?.[0]?.extensions?.retryable).toBe(true);
      expect(refused.errors?.[0]?.message).toContain('out of disk space');

      // More refused requests in the same episode: one log line in all, without a stack trace.
      for (let i = 0; i < 3; i++) {
        const events = batch(next, 100);
        next += 100;
        const r = await api.execute(TRACK, { events });
        expect(codes(r)).toEqual(['STORAGE_FULL']);
        refusedBatches.push(events);
      }
      const lines = logged.join('').split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('SQLITE_FULL');
      expect(logged.join('')).not.toMatch(/\n\s+at /);

      const health = await api.yoga.fetch('http://yoga/healthz');
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'storage_full' });

      // Reads keep answering from what is stored.
      const during = await api.execute<{ usageSummary: { totals: { apiCalls: number } } }>(TOTALS);
      expect(during.errors).toBeUndefined();
      expect(during.data?.usageSummary.totals.apiCalls).toBe(acknowledged);

      // Space is freed: the client's retries of the refused batches are stored, and health is ok again.
      sqlite.pragma('max_page_count = 1000000');
      for (const events of refusedBatches) {
        const r = await api.execute<{ trackUsage: { accepted: number } }>(TRACK, { events });
        expect(r.errors).toBeUndefined();
        acknowledged += r.data?.trackUsage.accepted ?? 0;
      }
      expect(acknowledged).toBe(next);
      expect((await api.yoga.fetch('http://yoga/healthz')).status).toBe(200);
      const after = await api.execute<{ usageSummary: { totals: { apiCalls: number } } }>(TOTALS);
      expect(after.data?.usageSummary.totals.apiCalls).toBe(next);
    } finally {
      process.stderr.write = stderr;
      sqlite.pragma('max_page_count = 1000000');
      await api.close();
    }
  });
});
