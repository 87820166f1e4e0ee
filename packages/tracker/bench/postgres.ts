import { benchContention, type ContentionResult } from './contention.js';
import { benchIngestPostgres, type PgIngestResult } from './ingest.js';
import {
  ensurePgDataset,
  freshTrackerDatabase,
  type PgDatasetMeta,
  verifyGenerator,
  withClient,
} from './pg-dataset.js';
import { benchPgQueries, type QueryResult } from './query-latency.js';

/** Where the PostgreSQL section runs: BYTEMETER_BENCH_DATABASE_URL, else the local server tests use. */
export const PG_BENCH_URL = process.env.BYTEMETER_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
/** Events per transaction for the batched PostgreSQL ingest (the tracker's default maxBatchSize). */
export const PG_BATCH = 10_000;

export interface PgBenchResults {
  server: string;
  ingest: PgIngestResult;
  ingestKeys: PgIngestResult;
  ingestBackfill: PgIngestResult;
  /** The generator checked against the tracker's own writes of the same events. */
  verified: { events: number; rollupRows: number };
  datasets: PgDatasetMeta[];
  queries: QueryResult[];
  contention: ContentionResult;
}

/** Whether a PostgreSQL server answers at `url` (the section is skipped, and says so, when none does). */
export async function pgAvailable(url: string): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL section of `pnpm bench`: ingest through the library (batched), the dashboard reads on
 * generated datasets of the same sizes as the SQLite files, and hot-row contention of 8 writer processes.
 */
export async function benchPostgres(
  quick: boolean,
  sizes: readonly number[],
  log: (line: string) => void,
): Promise<PgBenchResults> {
  const server = await withClient(PG_BENCH_URL, async (c) =>
    String((await c.query('show server_version')).rows[0].server_version),
  );
  log('postgres: ingest');
  const ingestUrl = await freshTrackerDatabase(PG_BENCH_URL, 'bytemeter_bench_ingest');
  const events = quick ? 50_000 : 200_000;
  const runs = quick ? 3 : 5;
  const ingest = await benchIngestPostgres(ingestUrl, events, runs, {
    keys: false,
    spanMs: 60_000,
    batchSize: PG_BATCH,
  });
  const ingestKeys = await benchIngestPostgres(ingestUrl, events, runs, {
    keys: true,
    spanMs: 60_000,
    batchSize: PG_BATCH,
  });
  const ingestBackfill = await benchIngestPostgres(ingestUrl, events, runs, {
    keys: false,
    spanMs: 2 * 86_400_000,
    batchSize: PG_BATCH,
  });
  log('postgres: generator checked against the tracker');
  const verifiedEvents = quick ? 5_000 : 20_000;
  const { rollupRows } = await verifyGenerator(PG_BENCH_URL, verifiedEvents);
  const datasets: PgDatasetMeta[] = [];
  for (const size of sizes) datasets.push(await ensurePgDataset(PG_BENCH_URL, size, log));
  log('postgres: queries');
  const queries = await benchPgQueries(datasets, quick ? 4 : 6, quick ? 40 : 50);
  log('postgres: 8 writers on one backend and minute');
  const contentionUrl = await freshTrackerDatabase(PG_BENCH_URL, 'bytemeter_bench_contention');
  const contention = await benchContention(contentionUrl, {
    eventsPerWriter: quick ? 5_000 : 20_000,
    batchSize: 1_000,
    runs: quick ? 1 : 3,
    writers: 8,
  });
  await withClient(PG_BENCH_URL, async (c) => {
    await c.query('drop database if exists bytemeter_bench_ingest with (force)');
    await c.query('drop database if exists bytemeter_bench_contention with (force)');
  });
  return {
    server,
    ingest,
    ingestKeys,
    ingestBackfill,
    verified: { events: verifiedEvents, rollupRows },
    datasets,
    queries,
    contention,
  };
}
