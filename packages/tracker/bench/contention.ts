import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withClient } from './pg-dataset.js';
import { median, nowMs } from './stats.js';

const WRITER = fileURLToPath(new URL('./contention-writer.ts', import.meta.url));

export interface ContentionCase {
  writers: number;
  sameBackend: boolean;
  /** Median over runs of all writers' events ÷ wall time from "go" to the last commit. */
  eventsPerSec: number;
  /** Median of the slowest writer's flush, ms. */
  slowestMs: number;
  /**
   * Of the database's sessions seen running a statement (pg_stat_activity sampled every 10 ms while the
   * writers ran), the share waiting for a row or transaction lock held by another writer.
   */
  lockWaitShare: number;
  /** What those waits were for (relation names of the locked rows), most first, with their sample counts. */
  lockedTables: Record<string, number>;
}

export interface ContentionResult {
  eventsPerWriter: number;
  batchSize: number;
  runs: number;
  cases: ContentionCase[];
}

/**
 * Hot-row contention on PostgreSQL (issue 10, item 2): writer processes, each with its own tracker, flush
 * their events at the same moment, every event in the same minute. On one backend, all of them upsert the
 * same rollup rows and lock the same backend_state row; on one backend each, only resource_totals is
 * shared. One writer alone is the reference. The processes are started and their events recorded before
 * the clock starts; only the flushes are timed.
 */
export async function benchContention(
  url: string,
  {
    eventsPerWriter,
    batchSize,
    runs,
    writers,
  }: { eventsPerWriter: number; batchSize: number; runs: number; writers: number },
): Promise<ContentionResult> {
  const shapes = [
    { writers: 1, sameBackend: true },
    { writers, sameBackend: true },
    { writers, sameBackend: false },
  ];
  const samples = shapes.map(() => ({ rate: [] as number[], slowest: [] as number[], active: 0, waiting: 0 }));
  const locked = shapes.map(() => new Map<string, number>());
  for (let run = 0; run < runs; run++) {
    for (const [i, shape] of shapes.entries()) {
      await withClient(url, (c) =>
        c.query(
          'truncate table backends, events, rollups, backend_state, resource_totals, resource_total_slots, backend_totals, event_keys restart identity',
        ),
      );
      const sampler = sampleLockWaits(url, locked[i]!);
      const { wallMs, slowestMs } = await runWriters(url, shape.writers, shape.sameBackend, eventsPerWriter, batchSize);
      const seen = await sampler.stop();
      samples[i]!.rate.push((shape.writers * eventsPerWriter) / (wallMs / 1000));
      samples[i]!.slowest.push(slowestMs);
      samples[i]!.active += seen.active;
      samples[i]!.waiting += seen.waiting;
    }
  }
  return {
    eventsPerWriter,
    batchSize,
    runs,
    cases: shapes.map((shape, i) => ({
      ...shape,
      eventsPerSec: median(samples[i]!.rate),
      slowestMs: median(samples[i]!.slowest),
      lockWaitShare: samples[i]!.waiting / Math.max(1, samples[i]!.active),
      lockedTables: Object.fromEntries([...locked[i]!].sort((a, b) => b[1] - a[1])),
    })),
  };
}

async function runWriters(url: string, writers: number, sameBackend: boolean, events: number, batchSize: number) {
  const children = Array.from({ length: writers }, (_, writer) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WRITER, JSON.stringify({ databaseUrl: url, writer, events, batchSize, sameBackend })],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    let buffer = '';
    let onLine: (() => void) | null = null;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        lines.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        onLine?.();
      }
    });
    const exited = new Promise<void>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${writer} exited ${code}`)))),
    );
    const line = (n: number) =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (lines.length > n) resolve(lines[n]!);
        };
        onLine = check;
        check();
      });
    return { child, exited, line };
  });
  await Promise.all(children.map((c) => c.line(0)));
  const start = nowMs();
  for (const c of children) c.child.stdin!.write('go\n');
  const flushMs = await Promise.all(children.map(async (c) => Number(await c.line(1))));
  const wallMs = nowMs() - start;
  await Promise.all(children.map((c) => c.exited));
  const rows = await withClient(url, (c) => c.query('select count(*)::int as n from events'));
  if (rows.rows[0].n !== writers * events) throw new Error(`contention: ${rows.rows[0].n} rows stored`);
  return { wallMs, slowestMs: Math.max(...flushMs) };
}

/**
 * Samples the database's sessions every 10 ms until stopped: how many were running a statement, how many of
 * those waited for a lock, and on which table the lock they waited for was (pg_locks of the blocking kind).
 */
function sampleLockWaits(url: string, tables: Map<string, number>) {
  let running = true;
  const counts = { active: 0, waiting: 0 };
  const done = withClient(url, async (c) => {
    while (running) {
      const { rows } = await c.query<{ waiting: boolean; rel: string | null }>(
        `select a.wait_event_type = 'Lock' as waiting,
                (select string_agg(distinct coalesce(l.relation::regclass::text, l.locktype), ',')
                   from pg_locks l where l.pid = a.pid and not l.granted) as rel
           from pg_stat_activity a
          where a.datname = current_database() and a.pid <> pg_backend_pid() and a.state = 'active'`,
      );
      for (const row of rows) {
        counts.active += 1;
        if (!row.waiting) continue;
        counts.waiting += 1;
        const rel = row.rel ?? 'unknown';
        tables.set(rel, (tables.get(rel) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  return {
    stop: async () => {
      running = false;
      await done;
      return counts;
    },
  };
}
