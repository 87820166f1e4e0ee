import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { openResourceTracker } from '../src/index.js';
import type { DatasetMeta } from './datasets.js';
import { median, nowMs } from './stats.js';

export interface ExportResult {
  events: number;
  runs: number;
  /** Median events/s streaming NDJSON through tracker.exportUsage. */
  trackerPerSec: number;
  /** Median events/s of a plain better-sqlite3 iterate() + JSON.stringify of the same rows, same order. */
  baselinePerSec: number;
  /** Largest RSS growth seen while streaming, over the RSS before the stream started (bytes). */
  trackerRssGrowth: number;
  /** The same per run: the first fills the connection's SQLite page cache, later ones find it warm. */
  trackerRssGrowthByRun: number[];
  /** The same, over the first tenth of the stream: flat memory means the whole stream grows no more than this. */
  trackerRssGrowthTenth: number;
  baselineRssGrowth: number;
  /** Largest growth of the JavaScript heap (used + external) while streaming, garbage included. */
  trackerHeapGrowth: number;
  /**
   * Largest growth of what the heap still holds after a full GC, sampled at every tenth of an extra (untimed)
   * run: memory the stream really keeps, as opposed to garbage not yet collected.
   */
  trackerRetainedGrowth: number;
  /** RSS growth if the whole export were held in memory, for scale: the bytes it produced. */
  outputBytes: number;
}

// A collectable heap before each stream makes RSS growth mean the stream, not garbage from earlier work.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Streams every event of a dataset as NDJSON and discards it, measuring throughput and RSS growth, beside
 * a plain SQLite iterate + JSON.stringify of the same rows.
 */
export async function benchExport(meta: DatasetMeta, runs: number): Promise<ExportResult> {
  const tracker = openResourceTracker({
    path: meta.path,
    clock: () => meta.to,
    rawRetentionMs: null,
    flushOnExit: false,
  });
  await tracker.ready;
  const sqlite = new Database(meta.path, { readonly: true });
  // Same page cache as the tracker's connection, so RSS growth compares like with like.
  sqlite.pragma('cache_size = -65536');
  const names = new Map(
    (sqlite.prepare('select id, name, type from backends').all() as { id: number; name: string; type: string }[]).map(
      (b) => [b.id, b],
    ),
  );
  const rowsSql = sqlite.prepare(
    `select id, ts, backend_id, resource, amount, success, duration_ms, operation_id, path, metadata
       from events where ts >= ? and ts < ? order by ts, id`,
  );
  const tracked: number[] = [];
  const plain: number[] = [];
  let trackerRssGrowth = 0;
  let trackerRssGrowthTenth = 0;
  let trackerHeapGrowth = 0;
  const trackerRssGrowthByRun: number[] = [];
  let baselineRssGrowth = 0;
  let outputBytes = 0;
  for (let run = 0; run < runs; run++) {
    gc();
    let base = process.memoryUsage().rss;
    let peak = base;
    const heapBase = heapNow();
    let lines = 0;
    let bytes = 0;
    let start = nowMs();
    for await (const chunk of tracker.exportUsage({
      from: new Date(meta.from),
      to: new Date(meta.to + 1),
      format: 'ndjson',
    })) {
      bytes += chunk.length;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
      trackerHeapGrowth = Math.max(trackerHeapGrowth, heapNow() - heapBase);
      if (lines <= meta.rawRows / 10) trackerRssGrowthTenth = Math.max(trackerRssGrowthTenth, peak - base);
    }
    tracked.push(nowMs() - start);
    if (lines !== meta.rawRows) throw new Error(`exported ${lines} lines, expected ${meta.rawRows}`);
    trackerRssGrowth = Math.max(trackerRssGrowth, peak - base);
    trackerRssGrowthByRun.push(peak - base);
    outputBytes = bytes;

    gc();
    base = process.memoryUsage().rss;
    peak = base;
    start = nowMs();
    let chunk = '';
    let baselineBytes = 0;
    let n = 0;
    for (const row of rowsSql.iterate(meta.from, meta.to + 1) as Iterable<Record<string, unknown>>) {
      const backend = names.get(row.backend_id as number);
      chunk += `${JSON.stringify({ id: row.id, timestamp: new Date(row.ts as number).toISOString(), backend: backend?.name, backendType: backend?.type, resource: row.resource, amount: row.amount, operationId: row.operation_id, path: row.path, success: row.success === 1, durationMs: row.duration_ms, metadata: row.metadata })}\n`;
      if (++n % 5000 === 0) {
        baselineBytes += chunk.length;
        chunk = '';
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
      }
    }
    baselineBytes += chunk.length;
    plain.push(nowMs() - start);
    if (n !== meta.rawRows || baselineBytes === 0) throw new Error(`baseline read ${n} rows`);
    baselineRssGrowth = Math.max(baselineRssGrowth, peak - base);
  }
  // One more, untimed run that collects garbage at every tenth, to see what the stream really holds.
  gc();
  const retainedBase = heapNow();
  let trackerRetainedGrowth = 0;
  let lines = 0;
  let nextSample = meta.rawRows / 10;
  for await (const chunk of tracker.exportUsage({
    from: new Date(meta.from),
    to: new Date(meta.to + 1),
    format: 'ndjson',
  })) {
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    if (lines >= nextSample) {
      nextSample += meta.rawRows / 10;
      gc();
      trackerRetainedGrowth = Math.max(trackerRetainedGrowth, heapNow() - retainedBase);
    }
  }
  sqlite.close();
  await tracker.close();
  return {
    trackerRetainedGrowth,
    events: meta.rawRows,
    runs,
    trackerPerSec: meta.rawRows / (median(tracked) / 1000),
    baselinePerSec: meta.rawRows / (median(plain) / 1000),
    trackerRssGrowth,
    trackerRssGrowthByRun,
    trackerRssGrowthTenth,
    baselineRssGrowth,
    trackerHeapGrowth,
    outputBytes,
  };
}
