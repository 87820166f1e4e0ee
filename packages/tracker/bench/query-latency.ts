import Database from 'better-sqlite3';
import pg from 'pg';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import type { DatasetMeta } from './datasets.js';
import type { PgDatasetMeta } from './pg-dataset.js';
import { median, nowMs, percentile } from './stats.js';

export const QUERY_NAMES = [
  'summary-day',
  'summary-month',
  'status',
  'status-mid-minute',
  'series-month-by-day',
] as const;
/**
 * The clock of the `status-mid-minute` read, past the data's end (which is minute-aligned): its windows end
 * (now + 1 ms) half a minute into a minute, so both start mid-minute, where a status reads the most raw
 * events (half a minute's at each start: query/backend-status-sums.ts), and no event is dated after now.
 * The other reads stand at the data's end, where a window start falls on a minute and reads none.
 */
export const MID_MINUTE_OFFSET_MS = 29_999;
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

interface Subject {
  events: number;
  close: () => Promise<void>;
  tracker: Record<QueryName, () => Promise<unknown>>;
  groupBy: Record<QueryName, () => unknown>;
}

/** The dashboard reads, through a tracker whose clock stands at `now` (the mid-minute status: see MID_MINUTE_OFFSET_MS). */
function trackerQueries(
  tracker: ResourceTracker,
  midMinute: ResourceTracker,
  now: number,
): Record<QueryName, () => Promise<unknown>> {
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return {
    'summary-day': () => tracker.getResourceSummary({ period: 'day' }),
    'summary-month': () => tracker.getResourceSummary({ period: 'month' }),
    status: () => tracker.getBackendStatus(),
    'status-mid-minute': () => midMinute.getBackendStatus(),
    'series-month-by-day': () =>
      tracker.getTimeSeries({
        resourceType: 'bandwidth_upload',
        granularity: 'day',
        from: new Date(monthStart),
        to: new Date(monthEnd),
      }),
  };
}

/**
 * The trackers of one dataset: one whose clock stands at `now`, one mid-minute (MID_MINUTE_OFFSET_MS). The
 * read itself is measured (memo off): repeated identical summaries would otherwise be answered from the memo.
 * The second opens once the first is ready: two trackers migrating one file at once contend for its lock.
 */
async function openTrackers(store: { path: string } | { databaseUrl: string }, now: number) {
  const open = async (at: number) => {
    const t = openResourceTracker({
      ...store,
      clock: () => at,
      rawRetentionMs: null,
      flushOnExit: false,
      memoizeSummaries: false,
    });
    await t.ready;
    return t;
  };
  const tracker = await open(now);
  return { tracker, midMinute: await open(now + MID_MINUTE_OFFSET_MS) };
}

/**
 * A generated PostgreSQL dataset through the tracker, and the same naive GROUP BY questions over its raw
 * events through a plain pg client (parameters inlined: the same text each time, as prepared SQLite ones).
 */
async function openPgSubject(meta: PgDatasetMeta): Promise<Subject> {
  const now = meta.to;
  const { tracker, midMinute } = await openTrackers({ databaseUrl: meta.databaseUrl }, now);
  const client = new pg.Client({ connectionString: meta.databaseUrl });
  await client.connect();
  const dayStart = Math.floor(now / DAY) * DAY;
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  const summary = (from: number, to: number) =>
    client.query(`select backend_id, resource, sum(amount) as total, count(*) as count,
                         sum(1 - success) as failures, min(amount) as min, max(amount) as max
                    from events where ts >= ${from} and ts < ${to} group by backend_id, resource`);
  const pgStatus = async (at: number) => [
    await client.query(
      `select backend_id, count(*) as ops, sum(1 - success) as failures from events where ts >= ${at - 15 * 60_000} and ts < ${at} group by backend_id`,
    ),
    await client.query(
      `select backend_id, resource, sum(amount) as bytes from events where ts >= ${at - 60_000} and ts < ${at} and resource in (1, 2) group by backend_id, resource`,
    ),
    await client.query('select backend_id, sum(amount) as level from events where resource = 3 group by backend_id'),
    await client.query('select backend_id, max(ts) as last from events group by backend_id'),
  ];
  return {
    events: meta.events,
    close: async () => {
      await client.end();
      await midMinute.close();
      await tracker.close();
    },
    tracker: trackerQueries(tracker, midMinute, now),
    groupBy: {
      'summary-day': () => summary(dayStart, dayStart + DAY),
      'summary-month': () => summary(monthStart, monthEnd),
      status: () => pgStatus(now),
      'status-mid-minute': () => pgStatus(now + MID_MINUTE_OFFSET_MS),
      'series-month-by-day': () =>
        client.query(`select (ts / ${DAY}) * ${DAY} as day, backend_id, sum(amount) as total, count(*) as count
                        from events where resource = 1 and ts >= ${monthStart} and ts < ${monthEnd} group by day, backend_id`),
    },
  };
}

/** Opens one dataset through the tracker and through a plain read-only connection for the GROUP BY baseline. */
async function openSubject(meta: DatasetMeta): Promise<Subject> {
  const now = meta.to;
  const { tracker, midMinute } = await openTrackers({ path: meta.path }, now);
  const dayStart = Math.floor(now / DAY) * DAY;
  const date = new Date(now);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);

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
    'select backend_id, sum(amount) as level from events where resource = 3 group by backend_id',
  );
  const statusLast = sqlite.prepare('select backend_id, max(ts) as last from events group by backend_id');
  const seriesSql = sqlite.prepare(
    `select (ts / ${DAY}) * ${DAY} as day, backend_id, sum(amount) as total, count(*) as count
       from events where resource = 1 and ts >= ? and ts < ? group by day, backend_id`,
  );
  const status = (at: number) => [
    statusWindow.all(at - 15 * 60_000, at),
    statusBytes.all(at - 60_000, at),
    statusLevel.all(),
    statusLast.all(),
  ];
  return {
    events: meta.events,
    close: async () => {
      sqlite.close();
      await midMinute.close();
      await tracker.close();
    },
    tracker: trackerQueries(tracker, midMinute, now),
    groupBy: {
      'summary-day': () => summarySql.all(dayStart, dayStart + DAY),
      'summary-month': () => summarySql.all(monthStart, monthEnd),
      status: () => status(now),
      'status-mid-minute': () => status(now + MID_MINUTE_OFFSET_MS),
      'series-month-by-day': () => seriesSql.all(monthStart, monthEnd),
    },
  };
}

/**
 * Read latency of the dashboard queries on cached datasets, through the tracker and as a naive GROUP BY
 * over raw events. Every dataset and both methods run in the same rounds, interleaved, so a burst of load
 * on the shared machine hits all of them and the ratios (including 1M against 10M) stay fair.
 */
export async function benchQueries(
  metas: readonly DatasetMeta[],
  rounds: number,
  perRound: number,
): Promise<QueryResult[]> {
  const subjects: Subject[] = [];
  for (const meta of metas) subjects.push(await openSubject(meta));
  return measure(subjects, rounds, perRound);
}

/** The same reads on generated PostgreSQL datasets (bench/pg-dataset.ts), measured the same way. */
export async function benchPgQueries(
  metas: readonly PgDatasetMeta[],
  rounds: number,
  perRound: number,
): Promise<QueryResult[]> {
  const subjects: Subject[] = [];
  for (const meta of metas) subjects.push(await openPgSubject(meta));
  return measure(subjects, rounds, perRound);
}

async function measure(subjects: Subject[], rounds: number, perRound: number): Promise<QueryResult[]> {
  const t = subjects.map(() => Object.fromEntries(QUERY_NAMES.map((q) => [q, [] as number[]])));
  const g = subjects.map(() => Object.fromEntries(QUERY_NAMES.map((q) => [q, [] as number[]])));
  for (const subject of subjects) {
    for (const name of QUERY_NAMES) {
      // Warm-up: statement caches, page cache, JIT.
      for (let i = 0; i < 20; i++) await subject.tracker[name]();
      await subject.groupBy[name]();
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of QUERY_NAMES) {
      for (let i = 0; i < perRound; i++) {
        for (let s = 0; s < subjects.length; s++) {
          const start = nowMs();
          await subjects[s]!.tracker[name]();
          t[s]![name]!.push(nowMs() - start);
        }
      }
      for (let s = 0; s < subjects.length; s++) {
        const start = nowMs();
        await subjects[s]!.groupBy[name]();
        g[s]![name]!.push(nowMs() - start);
      }
    }
  }
  for (const subject of subjects) await subject.close();
  const summarize = (xs: number[]): Latency => ({ p50: median(xs), p99: percentile(xs, 99), samples: xs.length });
  return subjects.map((subject, s) => ({
    events: subject.events,
    tracker: Object.fromEntries(QUERY_NAMES.map((n) => [n, summarize(t[s]![n]!)])) as Record<QueryName, Latency>,
    groupBy: Object.fromEntries(QUERY_NAMES.map((n) => [n, summarize(g[s]![n]!)])) as Record<QueryName, Latency>,
  }));
}
