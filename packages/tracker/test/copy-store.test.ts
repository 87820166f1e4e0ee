import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackendType, CopyError, copyStore, openResourceTracker, ValidationError } from '../src/index.js';
import { backendTotalsRows } from './support/backend-totals-rows.js';
import { MONTH_END, monthReader, readEverything, writeMonthOfUsage } from './support/month-of-usage.js';
import { createTestDatabase } from './support/postgres.js';
import { queryStore, snapshotStore, writeStore } from './support/stores.js';
import { tempDbPaths } from './support/temp-db.js';

// `copyStore` moves a month of a real SQLite file into a real PostgreSQL database: every read equal on
// both stores, a second run changes nothing, a copy stopped half way (by an error, or kill -9 of its
// process) resumes to the same result, and bad input is refused with a typed error, changing nothing.

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const paths = tempDbPaths('copy');
let source: string;
let sourceReads: Record<string, unknown>;

/** What a reader of the source sees, and every token row (hashes included), as comparable JSON. */
async function tokenRows(store: { path?: string; databaseUrl?: string }): Promise<unknown[]> {
  const rows = await queryStore(store, 'select * from api_tokens order by id');
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
}

async function readsOf(store: { path?: string; databaseUrl?: string }): Promise<Record<string, unknown>> {
  const reader = monthReader(store);
  try {
    return await readEverything(reader);
  } finally {
    await reader.close();
  }
}

/** sha-256 of the file and its WAL: the same hash means the copy did not change the source. */
function fileHash(path: string): string {
  const h = createHash('sha256');
  for (const p of [path, `${path}-wal`]) if (existsSync(p)) h.update(readFileSync(p));
  return h.digest('hex');
}

async function expectCopyError(promise: Promise<unknown>, code: string): Promise<CopyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CopyError);
  expect((error as CopyError).code).toBe(code);
  return error as CopyError;
}

describe('copyStore: a SQLite file into PostgreSQL', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    source = paths('month.db');
    await writeMonthOfUsage(source, 12);
    sourceReads = await readsOf({ path: source });
  }, 180_000);

  it('copies a month so that every summary, series, status, event page and export reads the same', async () => {
    const url = await createTestDatabase('copy_full');
    const seen: number[] = [];
    const result = await copyStore({ from: source, to: url, chunkRows: 997, onProgress: (p) => seen.push(p.copied) });
    expect(result.resumed).toBe(false);
    expect(result.alreadyComplete).toBe(false);
    // Three weeks of raw events were pruned by the source's retention: history lives on in the rollups.
    expect(result.tables.events).toBeGreaterThan(1000);
    expect(result.tables.events).toBeLessThan(12 * 24 * 9);
    expect(result.tables.rollups).toBeGreaterThan(result.tables.events!);
    expect(result.tables.event_keys).toBeGreaterThan(0);
    expect(result.tables.api_tokens).toBe(2);
    expect(result.copiedThisRun).toBe(Object.values(result.tables).reduce((a, b) => a + b, 0));
    expect(seen.at(-1)).toBe(result.copiedThisRun);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    expect(await readsOf({ databaseUrl: url })).toEqual(sourceReads);
    expect(await tokenRows({ databaseUrl: url })).toEqual(await tokenRows({ path: source }));
    // The month's summary is not empty: the comparison compared something.
    expect(JSON.stringify(sourceReads['summary UTC month -0d'])).toMatch(/bandwidth_upload/);
    // What /metrics reads (getBackendTotals, compared in the reads above) comes from backend_totals: copied
    // as stored, the day rollups' sums on both stores, row for row.
    expect(result.tables.backend_totals).toBeGreaterThan(0);
    const sourceTotals = await backendTotalsRows({ path: source });
    expect(sourceTotals.kept).toEqual(sourceTotals.summed);
    expect(await backendTotalsRows({ databaseUrl: url })).toEqual(sourceTotals);
    expect((sourceReads.totals as { uploadBytes: number }[]).some((b) => b.uploadBytes > 0)).toBe(true);

    // Run twice: the second run checks and writes nothing.
    const before = await snapshotStore({ databaseUrl: url });
    const again = await copyStore({ from: source, to: url });
    expect(again).toMatchObject({ resumed: true, alreadyComplete: true, copiedThisRun: 0, tables: result.tables });
    expect(await snapshotStore({ databaseUrl: url })).toBe(before);
  });

  it('resumes a copy stopped half way (an error after 5 chunks) to the same reads, and the copy keeps working', async () => {
    const url = await createTestDatabase('copy_resume');
    let chunks = 0;
    let copiedBeforeStop = 0;
    const stop = new Error('stop here');
    await expect(
      copyStore({
        from: source,
        to: url,
        chunkRows: 500,
        onProgress: ({ copied }) => {
          copiedBeforeStop = copied;
          if (++chunks === 5) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const [marker] = await queryStore<{ rows: string }>(
      { databaseUrl: url },
      'select sum(rows) as rows from bytemeter_copy_progress',
    );
    expect(Number(marker!.rows)).toBe(copiedBeforeStop);
    expect(copiedBeforeStop).toBeGreaterThan(1000);

    const seen: number[] = [];
    const result = await copyStore({ from: source, to: url, chunkRows: 500, onProgress: (p) => seen.push(p.copied) });
    expect(result.resumed).toBe(true);
    expect(result.alreadyComplete).toBe(false);
    expect(seen[0]).toBeGreaterThan(copiedBeforeStop);
    const all = Object.values(result.tables).reduce((a, b) => a + b, 0);
    expect(result.copiedThisRun).toBe(all - copiedBeforeStop);
    expect(await readsOf({ databaseUrl: url })).toEqual(sourceReads);
    expect(await backendTotalsRows({ databaseUrl: url })).toEqual(await backendTotalsRows({ path: source }));

    // The copy is a working store: a resent id is still a duplicate, a new event gets a new id.
    const usage = sourceReads.usage as { events: { id: string; backend: string; backendType: BackendType }[] }[];
    const newest = usage[0]!.events.find((e) => e.id.startsWith('evt-'))!;
    const tracker = openResourceTracker({ databaseUrl: url, clock: () => MONTH_END, flushOnExit: false });
    try {
      tracker.trackApiCall(newest.backend, newest.backendType, { id: newest.id });
      tracker.trackApiCall('photos', 's3', { timestamp: MONTH_END - 1 });
      const flushed = await tracker.flush();
      expect(flushed).toMatchObject({ written: 1, duplicates: 1 });
      const [max] = await queryStore<{ id: string }>({ databaseUrl: url }, 'select max(id) as id from events');
      const page = await tracker.getResourceUsage({ hoursBack: 1, limit: 1 });
      expect(page.events[0]!.id).toBe(`bm:${max!.id}`);
      const [sourceMax] = await queryStore<{ id: number }>({ path: source }, 'select max(id) as id from events');
      // Past the copied ids (a batch with ids reserves one per event, so a duplicate can leave a gap).
      expect(Number(max!.id)).toBeGreaterThan(sourceMax!.id);
      // The copy's totals go on as the day rollups do: the new call counted once, the resend not at all.
      const totals = await backendTotalsRows({ databaseUrl: url });
      expect(totals.kept).toEqual(totals.summed);
    } finally {
      await tracker.close();
    }
  });

  it('new events on the copy never take a row id a copied key still names (its raw row past retention)', async () => {
    const from = paths('key-past-raw.db');
    const now = MONTH_END;
    let clock = now;
    const options = {
      clock: () => clock,
      rawRetentionMs: 3_600_000,
      dedupeWindowMs: 2 * 86_400_000,
      flushOnExit: false,
    };
    const writer = openResourceTracker({ path: from, ...options });
    writer.trackBandwidthUpload('b', 's3', 10, { id: 'kept-key', timestamp: now - 1000 });
    await writer.flush();
    clock += 5 * 3_600_000;
    writer.trackApiCall('b', 's3', { timestamp: now - 1000 }); // not kept raw; its flush prunes the raw row
    await writer.flush();
    await writer.close();
    // Today's retention keeps the newest raw row on SQLite (its rowid is then never handed out again); a file
    // pruned by an older release can still hold a key naming a row id above every row left. Made so here.
    expect(await queryStore({ path: from }, 'select id from events')).toHaveLength(1);
    await writeStore({ path: from }, 'delete from events');
    const [key] = await queryStore<{ event_id: number }>({ path: from }, 'select event_id from event_keys');
    expect(key!.event_id).toBeGreaterThan(0);

    const url = await createTestDatabase('copy_key_past_raw');
    await copyStore({ from, to: url });
    const tracker = openResourceTracker({ databaseUrl: url, ...options });
    try {
      tracker.trackBandwidthUpload('b', 's3', 3);
      tracker.trackBandwidthUpload('b', 's3', 10, { id: 'kept-key', timestamp: now - 1000 });
      expect(await tracker.flush()).toEqual({ written: 1, duplicates: 1 });
      const [event] = (await tracker.getResourceUsage({ hoursBack: 1 })).events;
      expect(event!.id).toMatch(/^bm:\d+$/);
      expect(Number(event!.id.slice(3))).toBeGreaterThan(key!.event_id);
    } finally {
      await tracker.close();
    }
  });

  it('resumes after its process is killed with SIGKILL half way', async () => {
    const url = await createTestDatabase('copy_kill');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PACKAGE_DIR, 'test', 'fixtures', 'copy-worker.ts'), source, url, '300', '12'],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^chunk 12 \d+$/m.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`copy worker exited (${code}) before chunk 12: ${err}`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [record] = await queryStore<{ completed_at: unknown }>(
      { databaseUrl: url },
      'select completed_at from bytemeter_copy_source',
    );
    expect(record!.completed_at).toBeNull();
    const [marker] = await queryStore<{ rows: string }>(
      { databaseUrl: url },
      'select sum(rows) as rows from bytemeter_copy_progress',
    );
    const copiedBeforeKill = Number(/^chunk 12 (\d+)$/m.exec(out)![1]);
    expect(Number(marker!.rows)).toBe(copiedBeforeKill);
    expect(copiedBeforeKill).toBeGreaterThan(1000);

    // The server frees the dead session's copy lock as soon as it sees the connection gone.
    let result: Awaited<ReturnType<typeof copyStore>> | undefined;
    for (let attempt = 0; !result; attempt++) {
      try {
        result = await copyStore({ from: source, to: url, chunkRows: 300 });
      } catch (error) {
        if ((error as CopyError).code !== 'COPY_IN_PROGRESS' || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(result.resumed).toBe(true);
    expect(await readsOf({ databaseUrl: url })).toEqual(sourceReads);
    expect(await backendTotalsRows({ databaseUrl: url })).toEqual(await backendTotalsRows({ path: source }));
  });

  it('refuses a target that is not a postgres URL, that does not answer, or that does not exist, changing nothing', async () => {
    const hash = fileHash(source);
    for (const to of ['mysql://root@127.0.0.1/usage', '/tmp/usage.db', '', 'postgres:/127.0.0.1/x']) {
      await expect(copyStore({ from: source, to })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(copyStore({ from: source, to: 'postgres://postgres@127.0.0.1:5432/x', chunkRows: 0 })).rejects.toThrow(
      /chunkRows/,
    );
    await expectCopyError(
      copyStore({ from: source, to: 'postgres://postgres@127.0.0.1:1/usage' }),
      'COPY_TARGET_UNREACHABLE',
    );
    const missing = new URL(await createTestDatabase('copy_missing'));
    missing.pathname = `${missing.pathname}_not_created`;
    const e = await expectCopyError(copyStore({ from: source, to: missing.toString() }), 'COPY_TARGET_UNREACHABLE');
    expect(e.message).toMatch(/does not exist/);
    expect(fileHash(source)).toBe(hash);
  });

  it('refuses a missing source and a file that is not a bytemeter database, creating nothing', async () => {
    const url = await createTestDatabase('copy_bad_source');
    const nowhere = paths('nowhere.db');
    await expectCopyError(copyStore({ from: nowhere, to: url }), 'COPY_SOURCE_MISSING');
    expect(existsSync(nowhere)).toBe(false);
    const text = paths('notes.txt');
    writeFileSync(text, 'not a database at all, just some words to fill a page of text. '.repeat(100));
    await expectCopyError(copyStore({ from: text, to: url }), 'COPY_SOURCE_NOT_BYTEMETER');
    expect(readFileSync(text, 'utf8')).toMatch(/^not a database/);
    const tables = await queryStore(
      { databaseUrl: url },
      "select 1 from information_schema.tables where table_schema = 'public'",
    );
    expect(tables).toEqual([]);
  });

  it('refuses a target holding other data: usage written there, a copy of another file, tables of another application', async () => {
    const hash = fileHash(source);
    // Usage written straight into the database.
    const used = await createTestDatabase('copy_used');
    const tracker = openResourceTracker({ databaseUrl: used, flushOnExit: false });
    tracker.trackApiCall('elsewhere', 's3');
    await tracker.close();
    const before = await snapshotStore({ databaseUrl: used });
    await expectCopyError(copyStore({ from: source, to: used }), 'COPY_TARGET_NOT_EMPTY');
    expect(await snapshotStore({ databaseUrl: used })).toBe(before);

    // A copy of another SQLite file.
    const other = paths('other.db');
    const otherTracker = openResourceTracker({ path: other, flushOnExit: false });
    otherTracker.trackApiCall('other', 'local');
    await otherTracker.close();
    const copied = await createTestDatabase('copy_other');
    await copyStore({ from: other, to: copied });
    const e = await expectCopyError(copyStore({ from: source, to: copied }), 'COPY_TARGET_NOT_EMPTY');
    expect(e.message).toContain(other);

    // An application's own `events` table.
    const foreign = await createTestDatabase('copy_foreign');
    await queryStore({ databaseUrl: foreign }, 'create table events (id serial primary key, title text)');
    await expectCopyError(copyStore({ from: source, to: foreign }), 'COPY_TARGET_NOT_EMPTY');
    const tables = await queryStore<{ table_name: string }>(
      { databaseUrl: foreign },
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['events']);
    expect(fileHash(source)).toBe(hash);
  });

  it('refuses to run beside another copy into the same database', async () => {
    const url = await createTestDatabase('copy_locked');
    // What a running copy holds for its whole run: the session lock on the target.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext('bytemeter copy'))`);
      await expectCopyError(copyStore({ from: source, to: url }), 'COPY_IN_PROGRESS');
    } finally {
      await other.end();
    }
    const tables = await queryStore(
      { databaseUrl: url },
      "select 1 from information_schema.tables where table_schema = 'public'",
    );
    expect(tables).toEqual([]);
  });

  it('refuses to resume from a file that changed since the copy began', async () => {
    const changed = paths('changed.db');
    copyFileSync(source, changed);
    const url = await createTestDatabase('copy_changed');
    const stop = new Error('stop');
    await expect(
      copyStore({
        from: changed,
        to: url,
        chunkRows: 1000,
        onProgress: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const writer = openResourceTracker({ path: changed, clock: () => MONTH_END, flushOnExit: false });
    writer.trackBandwidthUpload('photos', 's3', 5);
    await writer.close();
    const before = await snapshotStore({ databaseUrl: url });
    await expectCopyError(copyStore({ from: changed, to: url }), 'COPY_SOURCE_CHANGED');
    expect(await snapshotStore({ databaseUrl: url })).toBe(before);
  });
});
