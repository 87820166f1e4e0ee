import pg from 'pg';
import { openResourceTracker, RESOURCE_TYPES, type TrackEvent } from '../src/index.js';
import { ANCHOR, SPAN_DAYS } from './datasets.js';
import { nowMs } from './stats.js';
import { BACKENDS } from './synthetic.js';

/** Bump when the generator or the schema changes, so stale cached databases are rebuilt (2: keys once, 0008). */
const PG_DATASET_VERSION = 2;
const DAY = 86_400_000;
/** The tracker's default minute-rollup retention: older minute rows are pruned, as a live tracker would. */
const MINUTE_RETENTION_MS = 30 * DAY;
/** The oldest minute bucket a tracker pruning at ANCHOR keeps (retention/pruneIfDue). */
const MINUTE_KEPT_FROM = ANCHOR - MINUTE_RETENTION_MS - 60_000;
/** The tracker's grains (rollup/grains.ts): code and bucket size. */
const GRAINS = [
  [1, 60_000],
  [2, 900_000],
  [3, 3_600_000],
  [4, 86_400_000],
] as const;

export interface PgDatasetMeta {
  version: number;
  events: number;
  databaseUrl: string;
  from: number;
  to: number;
  /** Seconds to generate the rows, their rollups and indexes, and ANALYZE them. */
  loadSeconds: number;
  /** pg_database_size after loading. */
  databaseBytes: number;
  rollupRows: number;
}

/** A database URL on the same server as `adminUrl`, named `name`. */
export function databaseOn(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with one client on `url`, ended afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops (if there) and creates a database, then migrates it by opening a tracker on it. */
export async function freshTrackerDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  });
  const url = databaseOn(adminUrl, name);
  const tracker = openResourceTracker({ databaseUrl: url, flushOnExit: false });
  await tracker.ready;
  await tracker.close();
  return url;
}

/**
 * Events as SQL, row i of `count` (the same shape as bench/synthetic.ts, drawn from hashes of i so the
 * server generates them without a round trip): 60 days before ANCHOR, 10 backends (ids 1..10 in BACKENDS
 * order), the same resource mix and amounts, 2% failures. Storage deletes (a third of storage events) come
 * only in the second half and remove at most 1,023 bytes, far less than the first half stored: no level
 * goes below zero, as the tracker would refuse.
 */
function eventsSelect(count: number, from: number, to: number): string {
  const step = (to - from) / count;
  const r = (seed: number) => `((hashint8extended(i, ${seed}) & 2147483647)::float8 / 2147483648.0)`;
  return `
    with g as (
      select i, least(${to - 1}, floor(${from} + (i + ${r(1)}) * ${step}))::bigint as ts,
             1 + floor(${r(2)} * 10)::int as backend_id, ${r(3)} as pick, ${r(4)} as ra, ${r(5)} as rd,
             ${r(6)} >= 0.02 as ok
        from generate_series(0, ${count - 1}) as i
    ), typed as (
      select i, ts, backend_id, ra, rd, ok,
             case when pick < 0.25 then 1 when pick < 0.6 then 2 when pick < 0.7 then 3
                  when pick < 0.95 then 4 else 5 end as resource
        from g
    )
    select i + 1 as id, ts, backend_id, resource::smallint,
           case resource when 4 then 1
                         when 5 then 1 + floor(ra * 5000)::bigint
                         when 3 then case when i >= ${Math.floor(count / 2)} and rd < 0.33
                                          then -(1 + floor(ra * 1023)::bigint)
                                          else floor(2 ^ (ra * 24))::bigint end
                         else floor(2 ^ (ra * 24))::bigint end as amount,
           (case when ok then 1 else 0 end)::smallint as success
      from typed`;
}

/**
 * Fills a migrated, empty tracker database with `count` events and exactly the rows the tracker would have
 * written for them: raw events, rollups of every grain (minute rows only inside the minute retention at
 * ANCHOR), backend_state, resource_totals and backend_totals. Generated on the server (INSERT … SELECT generate_series),
 * with the time index built after the rows: minutes for 10M events where the tracker would take hours.
 */
export async function loadGenerated(url: string, count: number): Promise<void> {
  const from = ANCHOR - SPAN_DAYS * DAY;
  await withClient(url, async (c) => {
    await c.query('begin');
    const values = BACKENDS.map((b, i) => `(${i + 1}, '${b.name}', '${b.type}', ${from})`).join(', ');
    await c.query(`insert into backends (id, name, type, created_at) values ${values}`);
    await c.query(`select setval('backends_id_seq', ${BACKENDS.length})`);
    await c.query('drop index events_ts');
    await c.query(
      `insert into events (id, ts, backend_id, resource, amount, success) select * from (${eventsSelect(count, from, ANCHOR)}) e`,
    );
    await c.query(`select setval('events_id_seq', ${count})`);
    await c.query('create index events_ts on events (ts)');
    // Minute cells first (one pass over the events); every grain sums them, as MinuteCells.grainRows does.
    // dt: Σ amount × (ts − minute) of storage rows, exact (numeric).
    await c.query(`create temp table cells on commit drop as
      select (ts / 60000) * 60000 as bucket, backend_id, resource, sum(amount) as total, count(*) as count,
             sum(1 - success) as failures, min(amount) as min, max(amount) as max,
             sum(case when resource = 3 then amount::numeric * (ts - (ts / 60000) * 60000) else 0 end) as dt
        from events group by 1, 2, 3`);
    // Each grain's rows in bucket order, as a live tracker leaves them (the rows of one minute written
    // together, on a few pages): in hash-aggregate order the 15 minutes a status reads sat on ~550 pages.
    for (const [code, size] of GRAINS) {
      const keepFrom = code === 1 ? MINUTE_KEPT_FROM : Number.MIN_SAFE_INTEGER;
      // Limbs as pricing/delta-time.ts toLimbs: lo = v mod 2^32 (non-negative), hi = (v - lo) / 2^32.
      await c.query(`insert into rollups
        select ${code}, start, backend_id, resource, total, count, failures, min, max,
               mod(mod(dt, 4294967296) + 4294967296, 4294967296)::bigint,
               ((dt - mod(mod(dt, 4294967296) + 4294967296, 4294967296)) / 4294967296)::bigint
          from (select (bucket / ${size}) * ${size} as start, backend_id, resource, sum(total) as total,
                       sum(count) as count, sum(failures) as failures, min(min) as min, max(max) as max,
                       sum(case when resource = 3 then dt + (bucket - (bucket / ${size}) * ${size}) * total else 0 end) as dt
                  from cells where bucket >= ${keepFrom} group by 1, 2, 3) s
         order by start, backend_id, resource`);
    }
    await c.query(`insert into resource_totals (resource, total)
      select resource, sum(total) from rollups where level = 4 and resource <> 3 group by resource`);
    // Each backend's all-time totals of the counted resources (migration 0013), as every batch adds them.
    await c.query(`insert into backend_totals (backend_id, resource, total, count, failures)
      select backend_id, resource, sum(total), sum(count), sum(failures) from rollups
       where level = 4 and resource in (1, 2, 4, 5) group by backend_id, resource`);
    // The run of failures after each backend's last success (events in (ts, id) order, as a batch applies them).
    await c.query(`insert into backend_state (backend_id, storage_level, last_event_at, consecutive_failures)
      select b.id,
             coalesce((select sum(total) from rollups where level = 4 and resource = 3 and backend_id = b.id), 0),
             (select max(ts) from events where backend_id = b.id),
             (select count(*) from events e where e.backend_id = b.id and e.success = 0 and (e.ts, e.id) >
                coalesce((select (s.ts, s.id) from events s where s.backend_id = b.id and s.success = 1
                           order by s.ts desc, s.id desc limit 1), (0::bigint, 0::bigint)))
        from backends b
        where exists (select 1 from events where backend_id = b.id)`);
    await c.query('commit');
    await c.query('vacuum analyze');
  });
}

/**
 * Generates a small dataset with loadGenerated, then records the same events through the tracker into
 * another database, and compares every rollup, backend state and running total: the generator writes what
 * the tracker would. Throws on the first difference.
 */
export async function verifyGenerator(adminUrl: string, count: number): Promise<{ rollupRows: number }> {
  const generatedUrl = await freshTrackerDatabase(adminUrl, 'bytemeter_bench_verify_sql');
  const trackedUrl = await freshTrackerDatabase(adminUrl, 'bytemeter_bench_verify_tracker');
  await loadGenerated(generatedUrl, count);
  const rows = await withClient(generatedUrl, async (c) =>
    c.query<{ ts: number; backend_id: number; resource: number; amount: number; success: number }>(
      'select ts::float8 as ts, backend_id::int, resource, amount::float8 as amount, success from events order by id',
    ),
  );
  const tracker = openResourceTracker({
    databaseUrl: trackedUrl,
    clock: () => ANCHOR,
    flushOnExit: false,
    rawRetentionMs: null,
  });
  const events = rows.rows.map((row): TrackEvent => {
    const backend = BACKENDS[row.backend_id - 1]!;
    return {
      backend: backend.name,
      backendType: backend.type,
      resourceType: RESOURCE_TYPES[row.resource - 1]!,
      amount: row.amount,
      timestamp: row.ts,
      success: row.success === 1,
    };
  });
  try {
    for (let i = 0; i < events.length; i += 1000) {
      const result = await tracker.ingestBatch(events.slice(i, i + 1000));
      if (result.rejected.length > 0) throw new Error(`the tracker refused ${JSON.stringify(result.rejected[0])}`);
    }
  } finally {
    await tracker.close();
  }
  const snapshot = (url: string) =>
    withClient(url, async (c) => {
      const parts: string[] = [];
      for (const q of [
        `select level, bucket, b.name, resource, total, count, failures, min, max,
                delta_time_hi::numeric * 4294967296 + delta_time_lo as delta_time
           from rollups r join backends b on b.id = r.backend_id
          where level > 1 or bucket >= ${MINUTE_KEPT_FROM}
          order by level, bucket, b.name, resource`,
        'select b.name, s.storage_level, s.last_event_at, s.consecutive_failures from backend_state s join backends b on b.id = s.backend_id order by b.name',
        // The tracker adds to its connections' slots (migration 0010); the generator writes the totals whole.
        `select resource, sum(total)::bigint as total from (select resource, total from resource_totals
           union all select resource, total from resource_total_slots) t group by resource order by resource`,
        'select ts, b.name, resource, amount, success from events e join backends b on b.id = e.backend_id order by e.id',
        `select b.name, resource, total, count, failures from backend_totals t join backends b on b.id = t.backend_id
          order by b.name, resource`,
      ])
        parts.push(JSON.stringify((await c.query({ text: q, rowMode: 'array' })).rows));
      return parts;
    });
  // ingestBatch does not prune: minute rows past the retention, which a live tracker drops, are not compared.
  const [generated, tracked] = await Promise.all([snapshot(generatedUrl), snapshot(trackedUrl)]);
  const names = ['rollups', 'backend_state', 'resource_totals', 'events', 'backend_totals'];
  generated.forEach((part, i) => {
    if (part !== tracked[i]) throw new Error(`generated ${names[i]} differ from what the tracker wrote`);
  });
  const rollupRows = (JSON.parse(generated[0]!) as unknown[]).length;
  await withClient(adminUrl, async (c) => {
    await c.query('drop database if exists bytemeter_bench_verify_sql with (force)');
    await c.query('drop database if exists bytemeter_bench_verify_tracker with (force)');
  });
  return { rollupRows };
}

/**
 * A PostgreSQL database holding `count` generated events (loadGenerated), kept between runs on the server
 * as `bytemeter_bench_<count>` and rebuilt when its version or row count does not match.
 */
export async function ensurePgDataset(
  adminUrl: string,
  count: number,
  log: (line: string) => void,
): Promise<PgDatasetMeta> {
  const name = `bytemeter_bench_${count}`;
  const url = databaseOn(adminUrl, name);
  const from = ANCHOR - SPAN_DAYS * DAY;
  const cached = await withClient(adminUrl, (c) =>
    c.query<{ comment: string | null }>(
      'select shobj_description(oid, $1) as comment from pg_database where datname = $2',
      ['pg_database', name],
    ),
  );
  const comment = cached.rows[0]?.comment;
  if (comment) {
    const meta = JSON.parse(comment) as PgDatasetMeta;
    if (meta.version === PG_DATASET_VERSION && meta.events === count) {
      log(`postgres dataset ${name}: cached`);
      await orderRollups(url, log);
      return { ...meta, databaseUrl: url };
    }
  }
  log(`postgres dataset ${name}: generating ${count.toLocaleString('en-US')} events`);
  await freshTrackerDatabase(adminUrl, name);
  const started = nowMs();
  await loadGenerated(url, count);
  const loadSeconds = (nowMs() - started) / 1000;
  const { size, rollupRows } = await withClient(url, async (c) => ({
    size: Number((await c.query('select pg_database_size(current_database()) as n')).rows[0].n),
    rollupRows: Number((await c.query('select count(*) as n from rollups')).rows[0].n),
  }));
  const meta: PgDatasetMeta = {
    version: PG_DATASET_VERSION,
    events: count,
    databaseUrl: url,
    from,
    to: ANCHOR,
    loadSeconds,
    databaseBytes: size,
    rollupRows,
  };
  // The meta lives with the database (its comment), so a dropped or rebuilt database is never trusted.
  await withClient(adminUrl, (c) => c.query(`comment on database "${name}" is '${JSON.stringify(meta)}'`));
  log(`postgres dataset ${name}: loaded in ${loadSeconds.toFixed(1)} s`);
  return meta;
}

/**
 * A database generated before rollups were written in bucket order gets them reordered in place (CLUSTER
 * on the primary key: level, bucket, backend, resource), so its layout is the one loadGenerated writes now;
 * the rows, and the version other checkouts compare, stay the same. Checked on the newest hour of minute
 * rows: in bucket order they fill a few pages, scattered nearly one page per row.
 */
async function orderRollups(url: string, log: (line: string) => void): Promise<void> {
  await withClient(url, async (c) => {
    const { rows } = await c.query<{ n: string; pages: string }>(
      `select count(*) as n, count(distinct (ctid::text::point)[0]) as pages from rollups
        where level = 1 and bucket >= (select max(bucket) from rollups where level = 1) - 3600000`,
    );
    const n = Number(rows[0]!.n);
    const pages = Number(rows[0]!.pages);
    if (pages * 10 <= n) return;
    log(`postgres dataset: reordering rollups (${n} minute rows of the last hour on ${pages} pages)`);
    // Others may be reading the shared database: give up (and keep the old layout) rather than queue
    // every later reader behind a lock that waits for a long transaction.
    await c.query("set lock_timeout = '5s'");
    try {
      await c.query('cluster rollups using rollups_pk');
      await c.query('analyze rollups');
    } catch (error) {
      log(`postgres dataset: rollups left as they are (${(error as Error).message})`);
    }
  });
}

/** CREATE DATABASE … TEMPLATE, retried while another session uses the template (another benchmark). */
export async function copyDatabase(adminUrl: string, from: string, to: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    await c.query(`drop database if exists "${to}" with (force)`);
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`create database "${to}" template "${from}"`);
        return;
      } catch (error) {
        // 55006: the template is being accessed; wait for that session rather than disturb it.
        if ((error as { code?: string }).code !== '55006' || attempt >= 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  });
}
