import type { IngestResult } from './ingest.js';
import type { PgBenchResults } from './postgres.js';
import { QUERY_NAMES, type QueryName, type QueryResult } from './query-latency.js';
import { fmt, mib } from './stats.js';

const TARGET = { ingestPerSec: 100_000, queryP50Ms: 5 };
const FLAT_FACTOR = 1.5;
const LABEL: Record<QueryName, string> = {
  'summary-day': '`getResourceSummary` day',
  'summary-month': '`getResourceSummary` month',
  status: '`getBackendStatus` (all backends)',
  'status-mid-minute': '`getBackendStatus`, clock mid-minute',
  'series-month-by-day': '`getTimeSeries` day buckets over a month',
};
const n = (x: number) => x.toLocaleString('en-US');
const ms = (x: number) => `${fmt(x)} ms`;
const times = (x: number) => `${fmt(x)}×`;
const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');

export interface SqliteBeside {
  ingest: IngestResult;
  ingestKeys: IngestResult;
  ingestBackfill: IngestResult;
  queries: QueryResult[];
}

/** The PostgreSQL section of BENCHMARKS.md, with ratios against the SQLite figures of the same run. */
export function renderPostgres(p: PgBenchResults | null, sqlite: SqliteBeside): string {
  const out: string[] = [];
  out.push('## PostgreSQL');
  out.push('');
  if (!p) {
    out.push('Skipped: no PostgreSQL server answered at `BYTEMETER_BENCH_DATABASE_URL` (or the local default).');
    return out.join('\n');
  }
  const largest = p.queries[p.queries.length - 1]!;
  const smallest = p.queries[0]!;
  const flat = (q: QueryName) => largest.tracker[q].p50 / smallest.tracker[q].p50;
  const sqliteAt = (events: number) => sqlite.queries.find((x) => x.events === events);
  out.push(
    `The same run, on PostgreSQL ${p.server} on this machine (default settings: 128 MB shared_buffers, ` +
      'synchronous_commit on), through the library with `databaseUrl` (`pg` pool, Kysely). Ratios are against ' +
      'the SQLite figures of the same run (shown beside each ratio), measured minutes apart.',
  );
  out.push('');
  out.push('| what | target | measured | |');
  out.push('|---|---|---|---|');
  out.push(
    `| ingest through the library, batched (${n(p.ingest.batchSize)} per transaction) | ≥ 100k events/s | ${n(Math.round(p.ingest.trackerPerSec))} events/s live (${n(Math.round(p.ingestKeys.trackerPerSec))} with UUIDv7 ids; ${n(Math.round(p.ingestBackfill.trackerPerSec))} backfilling 2 days) | ${yes(p.ingest.trackerPerSec >= TARGET.ingestPerSec)} |`,
  );
  out.push(
    `| summary / status / month series at ${n(largest.events)} events | ≤ 5 ms p50 | ${QUERY_NAMES.map((q) => ms(largest.tracker[q].p50)).join(' / ')} | ${yes(QUERY_NAMES.every((q) => largest.tracker[q].p50 <= TARGET.queryP50Ms))} |`,
  );
  if (p.queries.length > 1) {
    out.push(
      `| … flat from ${n(smallest.events)} to ${n(largest.events)} | p50 within ${FLAT_FACTOR}× | ${QUERY_NAMES.map((q) => times(flat(q))).join(' / ')} | ${yes(QUERY_NAMES.every((q) => flat(q) <= FLAT_FACTOR))} |`,
    );
  }
  // Measured by the client's bench (`pnpm bench` runs it after this one), which owns the next section.
  out.push(
    '| through two API replicas, SDK senders, batches of 1,000 | ≥ 50k events/s, zero loss | see "API replicas on PostgreSQL" below | |',
  );
  out.push('');

  out.push('### Ingest');
  out.push('');
  out.push(
    `Record ${n(p.ingest.events)} events then \`flush()\` (${n(p.ingest.batchSize)} events per transaction), into one ` +
      `database emptied (TRUNCATE) before each run; median of ${p.ingest.runs} runs; the same events as the SQLite ` +
      'runs. The baseline inserts the same rows into the same `events` table as one array per column ' +
      '(`INSERT … SELECT FROM unnest(…)`, 10,000 rows per statement, one transaction): no rollups, validation or ' +
      'backend state.',
  );
  out.push('');
  out.push('| | events/s | vs plain INSERT of the same rows | vs SQLite (same run) | record calls | flush |');
  out.push('|---|---|---|---|---|---|');
  for (const [label, x, s] of [
    ['live, no ids', p.ingest, sqlite.ingest],
    ['live, UUIDv7 ids', p.ingestKeys, sqlite.ingestKeys],
    ['backfill over 2 days, no ids', p.ingestBackfill, sqlite.ingestBackfill],
  ] as const) {
    out.push(
      `| ${label} | ${n(Math.round(x.trackerPerSec))} | ${times(x.trackerPerSec / x.baselinePerSec)} (baseline ${n(Math.round(x.baselinePerSec))}/s) | ${times(x.trackerPerSec / s.trackerPerSec)} (SQLite ${n(Math.round(s.trackerPerSec))}/s) | ${fmt(x.recordMs)} ms | ${n(Math.round(x.flushMs))} ms |`,
    );
  }
  out.push('');

  out.push('### Read latency');
  out.push('');
  out.push(
    'Databases of generated events with the same shape as the SQLite files (60 days before 2026-10-25T12:00Z, 10 ' +
      'backends, the same resource mix and amounts), written on the server by `INSERT … SELECT … ' +
      'generate_series` into the real schema with the rollups, backend state and running totals the tracker ' +
      `would write (\`bench/pg-dataset.ts\`; this run checked the generator against the tracker's own writes of ` +
      `the same ${n(p.verified.events)} events: all ${n(p.verified.rollupRows)} rollup rows, every backend state ` +
      'and running total equal). The summary memo is off, so every read goes to the server; the GROUP BY baseline ' +
      'runs over the same database through a plain `pg` client.',
  );
  out.push('');
  out.push('| database | events | load time | size |');
  out.push('|---|---|---|---|');
  for (const d of p.datasets)
    out.push(
      `| \`bytemeter_bench_${d.events}\` | ${n(d.events)} | ${fmt(d.loadSeconds)} s (when first built) | ${mib(d.databaseBytes)} |`,
    );
  out.push('');
  for (const q of p.queries) {
    const s = sqliteAt(q.events);
    out.push(`At ${n(q.events)} events:`);
    out.push('');
    out.push('| query | p50 | p99 | GROUP BY p50 | faster than GROUP BY | ÷ SQLite p50 (same run) |');
    out.push('|---|---|---|---|---|---|');
    for (const name of QUERY_NAMES) {
      const t = q.tracker[name];
      const g = q.groupBy[name];
      out.push(
        `| ${LABEL[name]} | ${ms(t.p50)} | ${ms(t.p99)} | ${ms(g.p50)} | ${times(g.p50 / t.p50)} | ${s ? `${times(t.p50 / s.tracker[name].p50)} (SQLite ${ms(s.tracker[name].p50)})` : '—'} |`,
      );
    }
    out.push('');
    out.push(
      `(${q.tracker['summary-day'].samples} tracker samples and ${q.groupBy['summary-day'].samples} GROUP BY samples per query.)`,
    );
    out.push('');
  }
  out.push(
    'A read is one `REPEATABLE READ` transaction of 4–6 round trips (begin, the backend list, one or three ' +
      'queries, commit); SQLite answers in-process. The reads alternate with GROUP BY scans of the same ' +
      "database, larger than the server's 128 MB of shared buffers, which evict the rollup pages between " +
      'rounds. With the memo on (the default), a repeated summary costs one short transaction that reads its snapshot (see README, ' +
      '"PostgreSQL performance").',
  );
  out.push('');

  const c = p.contention;
  out.push('### Many writers on one backend and minute (hot rows)');
  out.push('');
  out.push(
    `Writer processes, each with its own tracker, record ${n(c.eventsPerWriter)} events each, all in the same minute, ` +
      `and flush them ${n(c.batchSize)} per transaction, all starting at once; events/s is every writer's events over the wall ` +
      `time from the start to the last commit (median of ${c.runs} runs). While they run, \`pg_stat_activity\` is sampled every ` +
      '10 ms: the share of running statements that wait for a lock another writer holds, and on what.',
  );
  out.push('');
  out.push(
    '| writers | backends | events/s | vs 1 writer | slowest writer | statements waiting for a lock | waiting on |',
  );
  out.push('|---|---|---|---|---|---|---|');
  const one = c.cases.find((x) => x.writers === 1)!;
  for (const x of c.cases) {
    const on = Object.entries(x.lockedTables)
      .map(([table, count]) => `${table} (${count})`)
      .join(', ');
    out.push(
      `| ${x.writers} | ${x.writers === 1 ? 'one' : x.sameBackend ? 'one (the same rows)' : 'one each'} | ${n(Math.round(x.eventsPerSec))} | ${times(x.eventsPerSec / one.eventsPerSec)} | ${n(Math.round(x.slowestMs))} ms | ${fmt(100 * x.lockWaitShare)}% | ${on || '—'} |`,
    );
  }
  out.push('');
  out.push(
    "Reading: every batch locks its backends' `backend_state` rows `FOR UPDATE` before it decides anything (the " +
      'level a delete may not go below, the run of failures) and holds them to commit, so batches of one backend ' +
      'queue there before they reach any rollup row. The all-time totals (the 2^53 − 1 bound) are no longer one ' +
      'row: each connection adds into one of 16 slots per resource (`pg_backend_pid() % 16`, so two connections ' +
      "may share one) and admits under the resource's shared advisory lock while far from the bound (README, " +
      `"The 2^53 − 1 bound without a hot row"). ${apartReading(c.cases)} ("transactionid" waits are row locks, ` +
      'waited for through the holder\'s transaction; "advisory" waits are the trackers opening, on the migration ' +
      'lock, or batches near the bound on a resource lock.)',
  );
  out.push('');
  return out.join('\n');
}

/** pg_locks lock types (and the sampler's 'unknown', a wait it found no lock for): not a table's row. */
const LOCK_TYPES = new Set(['advisory', 'object', 'userlock', 'virtualxid', 'extend', 'page', 'frozenid', 'unknown']);

/** What writers of different backends waited on in this run, read from the samples rather than assumed. */
function apartReading(
  cases: readonly { writers: number; sameBackend: boolean; lockedTables: Record<string, number> }[],
) {
  const apart = cases.filter((x) => x.writers > 1 && !x.sameBackend);
  if (apart.length === 0) return 'No run had writers of different backends.';
  const rows = new Map<string, number>();
  for (const x of apart) {
    for (const [names, count] of Object.entries(x.lockedTables)) {
      for (const name of names.split(',')) if (!LOCK_TYPES.has(name)) rows.set(name, (rows.get(name) ?? 0) + count);
    }
  }
  if (rows.size === 0) return 'In this run writers of different backends waited for no row another writer holds.';
  const list = [...rows].map(([name, count]) => `${name} (${count})`).join(', ');
  return `In this run writers of different backends still waited for rows another writer held: ${list}.`;
}
