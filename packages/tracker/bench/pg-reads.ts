import pg from 'pg';
import { openResourceTracker } from '../src/index.js';
import type { Latency } from './query-latency.js';
import { median, nowMs, percentile } from './stats.js';

/** What one repeated dashboard read costs on PostgreSQL, by how much of it the caches answer. */
export const PG_READ_NAMES = ['round-trip', 'version', 'summary-memo-hit', 'summary', 'status'] as const;
export type PgReadName = (typeof PG_READ_NAMES)[number];

export interface PgReadsResult {
  events: number;
  reads: Record<PgReadName, Latency>;
}

/**
 * On each cached dataset (bench/pg-dataset.ts), interleaved round by round: a bare `select 1` (the floor
 * of any check), `getSummaryVersion` (day) — what the API's response cache asks before serving a kept
 * answer —, a day summary answered by the tracker's own memo (one short transaction reading its snapshot),
 * the same summary read in full (memo off), and `getBackendStatus` (memo off).
 */
export async function benchPgReads(
  metas: readonly { events: number; databaseUrl: string; to: number }[],
  rounds: number,
  perRound: number,
): Promise<PgReadsResult[]> {
  const subjects = [];
  for (const meta of metas) {
    const now = meta.to;
    const common = { databaseUrl: meta.databaseUrl, clock: () => now, rawRetentionMs: null, flushOnExit: false };
    const memo = openResourceTracker(common);
    const full = openResourceTracker({ ...common, memoizeSummaries: false });
    await Promise.all([memo.ready, full.ready]);
    const client = new pg.Client({ connectionString: meta.databaseUrl });
    await client.connect();
    const reads: Record<PgReadName, () => Promise<unknown>> = {
      'round-trip': () => client.query('select 1'),
      version: () => memo.getSummaryVersion({ period: 'day' }),
      'summary-memo-hit': () => memo.getResourceSummary({ period: 'day' }),
      summary: () => full.getResourceSummary({ period: 'day' }),
      status: () => full.getBackendStatus(),
    };
    const close = async () => {
      await client.end();
      await Promise.all([memo.close(), full.close()]);
    };
    subjects.push({ events: meta.events, reads, close });
  }
  const samples = subjects.map(() => Object.fromEntries(PG_READ_NAMES.map((n) => [n, [] as number[]])));
  for (const s of subjects) for (const name of PG_READ_NAMES) for (let i = 0; i < 20; i++) await s.reads[name]();
  for (let round = 0; round < rounds; round++) {
    for (const name of PG_READ_NAMES) {
      for (let i = 0; i < perRound; i++) {
        for (let s = 0; s < subjects.length; s++) {
          const start = nowMs();
          await subjects[s]!.reads[name]();
          samples[s]![name]!.push(nowMs() - start);
        }
      }
    }
  }
  for (const s of subjects) await s.close();
  const summarize = (xs: number[]): Latency => ({ p50: median(xs), p99: percentile(xs, 99), samples: xs.length });
  return subjects.map((s, i) => ({
    events: s.events,
    reads: Object.fromEntries(PG_READ_NAMES.map((n) => [n, summarize(samples[i]![n]!)])) as Record<PgReadName, Latency>,
  }));
}
