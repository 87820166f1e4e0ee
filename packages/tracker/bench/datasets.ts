import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openResourceTracker } from '../src/index.js';
import { nowMs } from './stats.js';
import { SyntheticEvents } from './synthetic.js';

/** Bump when the generator, the build or the schema changes (2: event_keys, 3: keys only there), so stale cached files are rebuilt. */
const DATASET_VERSION = 3;
const DAY = 86_400_000;
/** The data ends here (a fixed instant, so cached files stay valid): 2026-10-25T12:00Z. */
export const ANCHOR = Date.UTC(2026, 9, 25, 12, 0, 0);
export const SPAN_DAYS = 60;
/** Events recorded between flushes while building; large batches build big files fast. */
const BUILD_BATCH = 100_000;

export interface DatasetSpec {
  events: number;
  mode: 'full' | 'rollups-only';
  keys: boolean;
}

export interface DatasetMeta extends DatasetSpec {
  version: number;
  path: string;
  from: number;
  to: number;
  buildSeconds: number;
  /** File size after a WAL checkpoint and VACUUM. */
  fileBytes: number;
  /** Bytes per table and index (SQLite's dbstat). */
  objects: Record<string, number>;
  rawRows: number;
  rollupRows: number;
}

const datasetName = (s: DatasetSpec) => `events-${s.events}-${s.mode}${s.keys ? '-keys' : ''}`;

/**
 * A SQLite file holding `events` synthetic events over the 60 days before ANCHOR, recorded through the
 * tracker (with a simulated clock, as if live) and compacted; cached under `dir` with a JSON sidecar.
 */
export async function ensureDataset(dir: string, spec: DatasetSpec, log: (line: string) => void): Promise<DatasetMeta> {
  mkdirSync(dir, { recursive: true });
  const name = datasetName(spec);
  const path = join(dir, `${name}.db`);
  const metaPath = join(dir, `${name}.json`);
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as DatasetMeta;
    if (meta.version === DATASET_VERSION) {
      log(`dataset ${name}: cached (${meta.events.toLocaleString('en-US')} events)`);
      return meta;
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  rmSync(metaPath, { force: true });

  const from = ANCHOR - SPAN_DAYS * DAY;
  const to = ANCHOR;
  const stream = new SyntheticEvents({ count: spec.events, from, to, keys: spec.keys });
  let simulatedNow = from;
  const tracker = openResourceTracker({
    path,
    clock: () => simulatedNow,
    maxBatchSize: BUILD_BATCH * 2,
    flushIntervalMs: 2_000_000_000,
    mode: spec.mode,
    ...(spec.mode === 'full' ? { rawRetentionMs: null } : {}),
    flushOnExit: false,
  });
  await tracker.ready;
  const started = nowMs();
  let lastLog = started;
  while (stream.remaining > 0) {
    const chunk = stream.take(BUILD_BATCH);
    // The clock moves with the data, as when recording live, so retention and pruning behave as in production.
    simulatedNow = Number(chunk[chunk.length - 1]!.timestamp);
    for (const e of chunk) tracker.trackResourceUsage(e);
    const result = await tracker.flush();
    if (result.error) throw result.error;
    if (nowMs() - lastLog > 10_000) {
      lastLog = nowMs();
      const done = spec.events - stream.remaining;
      log(`  ${name}: ${done.toLocaleString('en-US')} events, ${Math.round(done / ((lastLog - started) / 1000))}/s`);
    }
  }
  await tracker.close();
  const buildSeconds = (nowMs() - started) / 1000;

  const sqlite = new Database(path);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('VACUUM');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const objects: Record<string, number> = {};
  for (const row of sqlite.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as {
    name: string;
    bytes: number;
  }[])
    objects[row.name] = row.bytes;
  const rawRows = (sqlite.prepare('select count(*) as n from events').get() as { n: number }).n;
  const rollupRows = (sqlite.prepare('select count(*) as n from rollups').get() as { n: number }).n;
  sqlite.close();
  const meta: DatasetMeta = {
    ...spec,
    version: DATASET_VERSION,
    path,
    from,
    to,
    buildSeconds,
    fileBytes: statSync(path).size,
    objects,
    rawRows,
    rollupRows,
  };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  log(`dataset ${name}: built in ${buildSeconds.toFixed(1)} s, ${(meta.fileBytes / 2 ** 20).toFixed(1)} MiB`);
  return meta;
}
