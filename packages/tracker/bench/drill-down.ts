import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openResourceTracker } from '../src/index.js';
import { RESOURCE_TYPES } from '../src/types.js';
import { median, nowMs, percentile } from './stats.js';

/** CPU ms this process has used (user + system). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const DAY = 86_400_000;
/** The data ends here, a fixed instant off any minute mark: 2026-10-25T12:00:00.777Z. */
const END = Date.UTC(2026, 9, 25, 12, 0, 0) + 777;
/**
 * The page's window, the last 24 hours before END, given as a fixed range (explicit `from` and `to`): a fixed
 * range keeps its totals whole between commits on every page. `hoursBack: 24` moves with the clock, so its
 * first page keeps them in pieces and reads the raw events of its ends every time (see totalsPieces): timed
 * on its own, with a moving clock (hoursBackPage).
 */
const WINDOW = { from: new Date(END + 1 - DAY), to: new Date(END + 1) };

export interface DrillDownSize {
  /** Events stored, all inside the last 24 hours (the page's window), so the window grows with the file. */
  events: number;
  /** p50 / p99 ms of `getResourceUsage({ ...WINDOW, limit: 1000 })` (a fixed range), the first page. */
  firstPage: { p50: number; p99: number };
  /**
   * p50 / p99 ms of the first page of `getResourceUsage({ hoursBack: 24, limit: 1000 })` (the API's default
   * range), on a tracker whose clock moves 1 ms per call inside END's minute: the range is new at every call,
   * as it is for a dashboard, which reads the page's totals in pieces (see totalsPieces).
   */
  hoursBackPage: { p50: number; p99: number; cpu: number };
  /** The same for the page after 5 cursors (rows 5,001 to 6,000). */
  laterPage: { p50: number; p99: number };
  /** p50 ms of the baseline: one prepared SELECT of the same 1,000 rows and columns, no count, no mapping. */
  baseline: number;
  /**
   * The same three as CPU ms of this process (user + system) per call, p50: on a loaded machine wall time
   * also counts the waits for a core, which grow with the length of a call more than with its work.
   */
  cpu: {
    firstPage: number;
    laterPage: number;
    baseline: number;
    firstPageUnkept: number;
    /** The first page right after this process flushed one event into the window (a copy of the file). */
    firstPageAfterOwnCommit: number;
    /** That flush (one event, a transaction, and bringing the kept totals past it). */
    ownFlush: number;
  };
  /** NDJSON export of every event of the file: events/s, median of runs. */
  exportPerSec: number;
  /** Baseline: iterate() over the same rows in the same order + one JSON.stringify per row. */
  exportBaselinePerSec: number;
}

export interface DrillDownResult {
  samples: number;
  sizes: DrillDownSize[];
}

async function build(path: string, events: number): Promise<void> {
  rmSync(path, { force: true });
  const tracker = openResourceTracker({ path, clock: () => END, flushOnExit: false, maxBatchSize: 50_000 });
  for (let i = 0; i < events; i++) {
    const resourceType = RESOURCE_TYPES[i % RESOURCE_TYPES.length]!;
    tracker.trackResourceUsage({
      backend: `backend-${i % 8}`,
      backendType: 's3',
      resourceType,
      amount: resourceType === 'storage_used' ? 10 : 1 + (i % 4096),
      timestamp: END - DAY + 1 + Math.floor((i / events) * (DAY - 2)),
      ...(i % 3 === 0 ? { operationId: `op-${i}`, path: `/bucket/object-${i}` } : {}),
    });
    if (i % 50_000 === 49_999) await tracker.flush();
  }
  await tracker.close();
}

/**
 * The drill-down page (`getResourceUsage`, 1,000 rows of the last 24 h as a fixed range) and the NDJSON export at several
 * file sizes, each beside a bare better-sqlite3 read of the same rows in the same run. Page timings of all
 * sizes are interleaved round by round, so machine load hits them alike.
 */
export async function benchDrillDown(
  scratch: string,
  sizes: readonly number[],
  rounds: number,
  perRound: number,
  exportRuns: number,
): Promise<DrillDownResult> {
  const files = [];
  for (const events of sizes) {
    const path = join(scratch, `drill-down-${events}.db`);
    await build(path, events);
    const tracker = openResourceTracker({ path, clock: () => END, flushOnExit: false });
    await tracker.ready;
    // The same page with nothing kept between reads (totals computed every time, as after any commit).
    const unkept = openResourceTracker({ path, clock: () => END, flushOnExit: false, memoizeSummaries: false });
    await unkept.ready;
    // A copy this process keeps writing to: each sample flushes one event into the window, then reads the
    // first page (the trackers above see no commit of it, so their columns keep their meaning).
    const ownPath = join(scratch, `drill-down-${events}-own.db`);
    copyFileSync(path, ownPath);
    const own = openResourceTracker({ path: ownPath, clock: () => END, flushOnExit: false });
    await own.ready;
    await own.getResourceUsage({ ...WINDOW, limit: 1000 });
    // A clock that moves 1 ms per read, within END's minute (the window still holds 1,000 events and more).
    const moving = { at: END };
    const clocked = openResourceTracker({ path, clock: () => moving.at, flushOnExit: false });
    await clocked.ready;
    await clocked.getResourceUsage({ hoursBack: 24, limit: 1000 });
    const sqlite = new Database(path, { readonly: true });
    const page = sqlite.prepare(
      `select id, ts, backend_id, resource, amount, success, duration_ms, operation_id, path, metadata, reported_level
         from events where ts >= ? and ts < ? order by ts desc, id desc limit 1001`,
    );
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      cursor = (await tracker.getResourceUsage({ ...WINDOW, limit: 1000, ...(cursor ? { cursor } : {}) })).nextCursor!;
    }
    files.push({
      events,
      path,
      tracker,
      unkept,
      clocked,
      moving,
      own,
      ownPath,
      ownWritten: 0,
      sqlite,
      page,
      cursor: cursor!,
      first: [] as number[],
      later: [] as number[],
      base: [] as number[],
      cpuFirst: [] as number[],
      cpuLater: [] as number[],
      cpuBase: [] as number[],
      cpuUnkept: [] as number[],
      hoursBack: [] as number[],
      cpuHoursBack: [] as number[],
      cpuOwn: [] as number[],
      cpuOwnFlush: [] as number[],
    });
  }
  for (let round = 0; round < rounds; round++) {
    for (const f of files) {
      for (let i = 0; i < perRound; i++) {
        let t = nowMs();
        let c = cpuMs();
        const first = await f.tracker.getResourceUsage({ ...WINDOW, limit: 1000 });
        f.first.push(nowMs() - t);
        f.cpuFirst.push(cpuMs() - c);
        if (first.events.length !== 1000 || first.totalCount !== f.events) throw new Error('unexpected page');
        t = nowMs();
        c = cpuMs();
        await f.tracker.getResourceUsage({ ...WINDOW, limit: 1000, cursor: f.cursor });
        f.later.push(nowMs() - t);
        f.cpuLater.push(cpuMs() - c);
        c = cpuMs();
        await f.unkept.getResourceUsage({ ...WINDOW, limit: 1000 });
        f.cpuUnkept.push(cpuMs() - c);
        f.moving.at = END + 1 + ((f.moving.at - END) % 998);
        t = nowMs();
        c = cpuMs();
        const hoursBack = await f.clocked.getResourceUsage({ hoursBack: 24, limit: 1000 });
        f.hoursBack.push(nowMs() - t);
        f.cpuHoursBack.push(cpuMs() - c);
        if (hoursBack.events.length !== 1000) throw new Error('unexpected hoursBack page');
        f.own.trackResourceUsage({
          backend: `backend-${f.ownWritten % 8}`,
          backendType: 's3',
          resourceType: 'bandwidth_download',
          amount: 1 + (f.ownWritten % 5000),
          timestamp: END - 1 - f.ownWritten,
        });
        f.ownWritten++;
        c = cpuMs();
        await f.own.flush();
        f.cpuOwnFlush.push(cpuMs() - c);
        c = cpuMs();
        const afterCommit = await f.own.getResourceUsage({ ...WINDOW, limit: 1000 });
        f.cpuOwn.push(cpuMs() - c);
        if (afterCommit.totalCount !== f.events + f.ownWritten) throw new Error('unexpected page after a commit');
        t = nowMs();
        c = cpuMs();
        f.page.all(END + 1 - DAY, END + 1);
        f.base.push(nowMs() - t);
        f.cpuBase.push(cpuMs() - c);
      }
    }
  }
  const out: DrillDownSize[] = [];
  for (const f of files) {
    const tracked: number[] = [];
    const plain: number[] = [];
    const names = new Map(
      (
        f.sqlite.prepare('select id, name, type from backends').all() as { id: number; name: string; type: string }[]
      ).map((b) => [b.id, b]),
    );
    const rows = f.sqlite.prepare(
      `select id, ts, backend_id, resource, amount, success, duration_ms, operation_id, path, metadata
         from events where ts >= ? and ts < ? order by ts, id`,
    );
    for (let run = 0; run < exportRuns; run++) {
      let t = nowMs();
      let lines = 0;
      for await (const chunk of f.tracker.exportUsage({
        from: new Date(END - DAY),
        to: new Date(END + 1),
        format: 'ndjson',
      })) {
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      }
      tracked.push(nowMs() - t);
      if (lines !== f.events) throw new Error(`exported ${lines} lines, expected ${f.events}`);
      t = nowMs();
      let chunk = '';
      let bytes = 0;
      let n = 0;
      for (const row of rows.iterate(END - DAY, END + 1) as Iterable<Record<string, unknown>>) {
        const backend = names.get(row.backend_id as number);
        chunk += `${JSON.stringify({ id: row.id, timestamp: new Date(row.ts as number).toISOString(), backend: backend?.name, backendType: backend?.type, resource: row.resource, amount: row.amount, operationId: row.operation_id, path: row.path, success: row.success === 1, durationMs: row.duration_ms, metadata: row.metadata })}\n`;
        if (++n % 5000 === 0) {
          bytes += chunk.length;
          chunk = '';
        }
      }
      plain.push(nowMs() - t);
      if (n !== f.events || bytes + chunk.length === 0) throw new Error(`baseline read ${n} rows`);
    }
    out.push({
      events: f.events,
      firstPage: { p50: median(f.first), p99: percentile(f.first, 99) },
      laterPage: { p50: median(f.later), p99: percentile(f.later, 99) },
      hoursBackPage: { p50: median(f.hoursBack), p99: percentile(f.hoursBack, 99), cpu: median(f.cpuHoursBack) },
      baseline: median(f.base),
      cpu: {
        firstPage: median(f.cpuFirst),
        laterPage: median(f.cpuLater),
        baseline: median(f.cpuBase),
        firstPageUnkept: median(f.cpuUnkept),
        firstPageAfterOwnCommit: median(f.cpuOwn),
        ownFlush: median(f.cpuOwnFlush),
      },
      exportPerSec: (f.events * 1000) / median(tracked),
      exportBaselinePerSec: (f.events * 1000) / median(plain),
    });
    f.sqlite.close();
    await f.unkept.close();
    await f.clocked.close();
    await f.own.close();
    if (!process.env.KEEP) rmSync(f.ownPath, { force: true });
    await f.tracker.close();
    if (!process.env.KEEP) rmSync(f.path, { force: true });
  }
  return { samples: rounds * perRound, sizes: out };
}
