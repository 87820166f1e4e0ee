import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openResourceTracker, RESOURCE_TYPES, type TrackEvent } from '../src/index.js';
import { ANCHOR } from './datasets.js';
import { withClient } from './pg-dataset.js';
import { median, nowMs } from './stats.js';
import { BACKENDS, SyntheticEvents } from './synthetic.js';

export interface IngestResult {
  events: number;
  runs: number;
  keys: boolean;
  /** The events' time stamps spread over this span before the tracker's clock. */
  spanMs: number;
  /** Median events/s of record-then-flush through the tracker (raw rows and every rollup grain). */
  trackerPerSec: number;
  /** Median ms of the recording calls alone and of the flush alone. */
  recordMs: number;
  flushMs: number;
  /** Median events/s of plain prepared INSERTs of the same rows into the same table, one transaction, no rollups. */
  baselinePerSec: number;
}

function removeDb(path: string) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Ingest throughput: record `events` events (time stamps spread over `spanMs` before now) then flush, into a fresh file
 * each run; beside plain better-sqlite3 INSERTs of the same rows in one transaction into the same schema.
 */
export async function benchIngest(
  dir: string,
  events: number,
  runs: number,
  { keys, spanMs }: { keys: boolean; spanMs: number },
): Promise<IngestResult> {
  const batch = new SyntheticEvents({ count: events, from: ANCHOR - spanMs, to: ANCHOR, keys, seed: 7 }).take(events);
  const path = join(dir, 'ingest.db');
  const basePath = join(dir, 'ingest-baseline.db');
  const tracker: number[] = [];
  const record: number[] = [];
  const flush: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const warm = run === 0;
    const t = await trackerRun(path, batch, events);
    const b = await baselineRun(basePath, batch);
    if (warm) continue;
    tracker.push(t.total);
    record.push(t.record);
    flush.push(t.flush);
    baseline.push(b);
  }
  removeDb(path);
  removeDb(basePath);
  return {
    events,
    runs,
    keys,
    spanMs,
    trackerPerSec: events / (median(tracker) / 1000),
    recordMs: median(record),
    flushMs: median(flush),
    baselinePerSec: events / (median(baseline) / 1000),
  };
}

async function trackerRun(path: string, batch: readonly TrackEvent[], events: number) {
  removeDb(path);
  const tracker = openResourceTracker({
    path,
    clock: () => ANCHOR,
    maxBatchSize: events * 2,
    // The whole batch stays pending until the timed flush (the buffer's bound would drop the excess).
    maxPendingEvents: events * 2,
    flushOnExit: false,
    rawRetentionMs: null,
  });
  await tracker.ready;
  const start = nowMs();
  for (const e of batch) tracker.trackResourceUsage(e);
  const recorded = nowMs();
  const result = await tracker.flush();
  const end = nowMs();
  if (result.error || result.written !== events) throw result.error ?? new Error(`wrote ${result.written}`);
  await tracker.close();
  return { total: end - start, record: recorded - start, flush: end - recorded };
}

/** The schema comes from a tracker (same tables, same indexes); the rows go in with prepared INSERTs. */
async function baselineRun(path: string, batch: readonly TrackEvent[]): Promise<number> {
  removeDb(path);
  const schema = openResourceTracker({ path, flushOnExit: false });
  await schema.ready;
  await schema.close();
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -65536');
  const backendId = new Map(BACKENDS.map((b, i) => [b.name, i + 1]));
  const resourceCode = new Map(RESOURCE_TYPES.map((r, i) => [r as string, i + 1]));
  const insert = sqlite.prepare(
    'insert into events (ts, backend_id, resource, amount, success, duration_ms, operation_id, path, metadata, reported_level) values (?, ?, ?, ?, ?, null, null, null, null, null)',
  );
  // An id goes where the tracker keeps it: its own row in event_keys, naming the raw row.
  const insertKey = sqlite.prepare('insert into event_keys (backend_id, key, ts, event_id) values (?, ?, ?, ?)');
  const start = nowMs();
  sqlite.transaction(() => {
    for (const e of batch) {
      const row = insert.run(
        e.timestamp as number,
        backendId.get(e.backend)!,
        resourceCode.get(e.resourceType)!,
        e.amount,
        e.success ? 1 : 0,
      );
      if (e.id !== undefined)
        insertKey.run(
          backendId.get(e.backend)!,
          Buffer.from(`00${e.id.replaceAll('-', '')}`, 'hex'),
          ANCHOR,
          row.lastInsertRowid,
        );
    }
  })();
  const elapsed = nowMs() - start;
  sqlite.close();
  return elapsed;
}

export interface PgIngestResult extends IngestResult {
  /** Events per transaction (the tracker's maxBatchSize). */
  batchSize: number;
}

/**
 * Ingest through the library into PostgreSQL: record `events` events then flush, `batchSize` per
 * transaction, into one database emptied before each run (TRUNCATE; creating a database per run would cost a
 * server checkpoint). The baseline inserts the same rows into the same `events` table (same index) as plain
 * arrays through one `INSERT … SELECT FROM unnest(…)` per 10,000 rows in one transaction (ids into
 * event_keys, naming their rows, as the tracker keeps them): no rollups, no validation, no backend state.
 */
export async function benchIngestPostgres(
  url: string,
  events: number,
  runs: number,
  { keys, spanMs, batchSize }: { keys: boolean; spanMs: number; batchSize: number },
): Promise<PgIngestResult> {
  const batch = new SyntheticEvents({ count: events, from: ANCHOR - spanMs, to: ANCHOR, keys, seed: 7 }).take(events);
  const tracker: number[] = [];
  const record: number[] = [];
  const flush: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    await emptyPostgres(url);
    const t = await pgTrackerRun(url, batch, batchSize);
    await emptyPostgres(url);
    const b = await pgBaselineRun(url, batch);
    if (run === 0) continue;
    tracker.push(t.total);
    record.push(t.record);
    flush.push(t.flush);
    baseline.push(b);
  }
  await emptyPostgres(url);
  return {
    events,
    runs,
    keys,
    spanMs,
    batchSize,
    trackerPerSec: events / (median(tracker) / 1000),
    recordMs: median(record),
    flushMs: median(flush),
    baselinePerSec: events / (median(baseline) / 1000),
  };
}

async function emptyPostgres(url: string): Promise<void> {
  await withClient(url, (c) =>
    c.query(
      'truncate table backends, events, rollups, backend_state, resource_totals, resource_total_slots, backend_totals, event_keys restart identity',
    ),
  );
}

async function pgTrackerRun(url: string, batch: readonly TrackEvent[], batchSize: number) {
  const tracker = openResourceTracker({
    databaseUrl: url,
    clock: () => ANCHOR,
    maxBatchSize: batchSize,
    maxPendingEvents: batch.length * 2,
    flushIntervalMs: 2_000_000_000,
    flushOnExit: false,
    rawRetentionMs: null,
  });
  await tracker.ready;
  const start = nowMs();
  for (const e of batch) tracker.trackResourceUsage(e);
  const recorded = nowMs();
  const result = await tracker.flush();
  const end = nowMs();
  if (result.error) throw result.error;
  await tracker.close();
  return { total: end - start, record: recorded - start, flush: end - recorded };
}

async function pgBaselineRun(url: string, batch: readonly TrackEvent[]): Promise<number> {
  const backendId = new Map(BACKENDS.map((b, i) => [b.name, i + 1]));
  const resourceCode = new Map(RESOURCE_TYPES.map((r, i) => [r as string, i + 1]));
  return withClient(url, async (c) => {
    const start = nowMs();
    await c.query('begin');
    for (let i = 0; i < batch.length; i += 10_000) {
      const part = batch.slice(i, i + 10_000);
      const { rows } = await c.query<{ id: string }>(
        `insert into events (ts, backend_id, resource, amount, success)
         select * from unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::bigint[], $5::smallint[])
         returning id`,
        [
          part.map((e) => e.timestamp as number),
          part.map((e) => backendId.get(e.backend)!),
          part.map((e) => resourceCode.get(e.resourceType)!),
          part.map((e) => e.amount),
          part.map((e) => (e.success ? 1 : 0)),
        ],
      );
      // An id goes where the tracker keeps it: its own row in event_keys, naming the raw row.
      const keyed = part.flatMap((e, k) => (e.id === undefined ? [] : [{ e, id: rows[k]!.id }]));
      if (keyed.length > 0)
        await c.query(
          `insert into event_keys (backend_id, key, ts, event_id)
           select * from unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::bigint[])`,
          [
            keyed.map(({ e }) => backendId.get(e.backend)!),
            keyed.map(({ e }) => Buffer.from(`00${e.id!.replaceAll('-', '')}`, 'hex')),
            keyed.map(() => ANCHOR),
            keyed.map(({ id }) => id),
          ],
        );
    }
    await c.query('commit');
    return nowMs() - start;
  });
}
