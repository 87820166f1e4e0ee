import Database from 'better-sqlite3';
import { openResourceTracker } from '../src/index.js';
import type { DatasetMeta } from './datasets.js';
import { median, nowMs, percentile } from './stats.js';

export const QUERY_NAMES = ['summary-day', 'summary-month', 'status', 'series-month-by-day'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export interface QueryResult {
  events: number;
  /** Tracker read latency in ms (end to end, awaited). */
  tracker: Record<QueryName, Latency>;
  /** Naive GROUP BY over the raw events of the same file answering the same question, ms. */
  groupBy: Record<QueryName, Latency>;
}

const DAY = 86_400_000;

/**
 * Read latency of the dashboard queries on a cached dataset, through the tracker and as a naive GROUP BY
 * over raw events. The two are interleaved in rounds so a burst of load on the shared machine hits both.
 */
export async function benchQueries(meta: DatasetMeta, rounds: number, perRound: number): Promise<QueryResult> {
  const now = meta.to;
  const tracker = openResourceTracker({ path: meta.path, clock: () => now, rawRetentionMs: null, flushOnExit: false });
  await tracker.ready;
  const dayStart = Math.floor(now / DAY) * DAY;
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);

  const trackerQueries: Record<QueryName, () => Promise<unknown>> = {
    'summary-day': () => tracker.getResourceSummary({ period: 'day' }),
    'summary-month': () => tracker.getResourceSummary({ period: 'month' }),
    status: () => tracker.getBackendStatus(),
    'series-month-by-day': () =>
      tracker.getTimeSeries({
        resourceType: 'bandwidth_upload',
        granularity: 'day',
        from: new Date(monthStart),
        to: new Date(monthEnd),
      }),
  };

  const sqlite = new Database(meta.path, { readonly: true });
  sqlite.pragma('cache_size = -65536');
  const summarySql = sqlite.prepare(
    `select backend_id, resource, sum(amount) as total, count(*) as count, sum(success = 0) as failures,
            min(amount) as min, max(amount) as max
       from events where ts >= ? and ts < ? group by backend_id, resource`,
  );
  // What a status needs without rollups or backend state: health window counts, the last minute's bytes,
  // the storage level (every delta ever) and the newest event per backend.
  const statusWindow = sqlite.prepare(
    'select backend_id, count(*) as ops, sum(success = 0) as failures from events where ts >= ? and ts < ? group by backend_id',
  );
  const statusBytes = sqlite.prepare(
    'select backend_id, resource, sum(amount) as bytes from events where ts >= ? and ts < ? and resource in (1, 2) group by backend_id, resource',
  );
  const statusLevel = sqlite.prepare(
    'select backend_id, sum(amount) as level, max(ts) as last from events where resource = 3 group by backend_id',
  );
  const statusLast = sqlite.prepare('select backend_id, max(ts) as last from events group by backend_id');
  const seriesSql = sqlite.prepare(
    `select (ts / ${DAY}) * ${DAY} as day, backend_id, sum(amount) as total, count(*) as count
       from events where resource = 1 and ts >= ? and ts < ? group by day, backend_id`,
  );
  const groupByQueries: Record<QueryName, () => unknown> = {
    'summary-day': () => summarySql.all(dayStart, dayStart + DAY),
    'summary-month': () => summarySql.all(monthStart, monthEnd),
    status: () => [
      statusWindow.all(now - 15 * 60_000, now),
      statusBytes.all(now - 60_000, now),
      statusLevel.all(),
      statusLast.all(),
    ],
    'series-month-by-day': () => seriesSql.all(monthStart, monthEnd),
  };

  const t: Record<string, number[]> = {};
  const g: Record<string, number[]> = {};
  for (const name of QUERY_NAMES) {
    t[name] = [];
    g[name] = [];
    // Warm-up: statement caches, page cache, JIT.
    for (let i = 0; i < 20; i++) await trackerQueries[name]();
    groupByQueries[name]();
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of QUERY_NAMES) {
      for (let i = 0; i < perRound; i++) {
        const start = nowMs();
        await trackerQueries[name]();
        t[name]!.push(nowMs() - start);
      }
      const start = nowMs();
      groupByQueries[name]();
      g[name]!.push(nowMs() - start);
    }
  }
  sqlite.close();
  await tracker.close();
  const summarize = (xs: number[]): Latency => ({ p50: median(xs), p99: percentile(xs, 99), samples: xs.length });
  return {
    events: meta.events,
    tracker: Object.fromEntries(QUERY_NAMES.map((n) => [n, summarize(t[n]!)])) as Record<QueryName, Latency>,
    groupBy: Object.fromEntries(QUERY_NAMES.map((n) => [n, summarize(g[n]!)])) as Record<QueryName, Latency>,
  };
}
