import { afterEach, describe, expect, it } from 'vitest';
import { ForeignCommits } from '../src/budgets/foreign-commits.js';
import { MAX_PAYLOAD_BYTES, parseIdRanges, parseRollupsOnly, rollupsOnlyPayloads } from '../src/feed/event-notify.js';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { COMMIT_LOG_KEEP, commitsPruned } from '../src/record/commit-log.js';
import { TrackerFile } from '../src/tracker/lifecycle.js';
import { PostgresStore } from '../src/tracker/postgres-store.js';
import { sqliteOthersCommitted } from '../src/tracker/read-memo.js';
import { eventually } from './support/eventually.js';
import {
  describeEachDialect,
  newStore,
  queryStore,
  type StoreOptions,
  testStores,
  writeStore,
} from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// The budget watcher (budgets/foreign-commits.ts) is told what OTHER processes committed: which backends and
// from when, so only their budgets are evaluated, in the billing months written. Here it watches with
// parts that only record what it reports; the writer is a separate tracker on the same store.

const DAY = 86_400_000;
const APRIL = Date.UTC(2026, 3, 1);
const MAY = Date.UTC(2026, 4, 1);

type Report = { kind: 'written'; from: number; backends: string[] } | { kind: 'unattributed'; from: number | null };
// (`missed`, a LISTEN connection re-opened, is recorded as unattributed with no time.)

interface Watch {
  reports: Report[];
  /** SQLite: runs a statement on the watcher's own connection (its own commits, which data_version ignores). */
  own(text: string): void;
  close(): Promise<void>;
}

/** A watcher on the store, started at once (as when this process stores a budget). */
async function watch(store: StoreOptions): Promise<Watch> {
  const file = store.path ? new TrackerFile(store.path, 5_000) : new PostgresStore(store.databaseUrl!);
  const reports: Report[] = [];
  const failures: Error[] = [];
  const watcher = new ForeignCommits({
    db: file.db,
    runner: file.runner,
    ready: file.ready,
    signal:
      file instanceof TrackerFile
        ? { kind: 'data-version', read: sqliteOthersCommitted(file.sqlite) }
        : { kind: 'notify', url: store.databaseUrl! },
    pollMs: 50,
    written: (from, backends) => reports.push({ kind: 'written', from, backends: [...backends].sort() }),
    missed: () => reports.push({ kind: 'unattributed', from: null }),
    unattributed: (from) => reports.push({ kind: 'unattributed', from }),
    failed: (error) => failures.push(error),
  });
  watcher.budgetsExist();
  // Started: one look found nothing (the watermark, or LISTEN, is in place).
  await new Promise((r) => setTimeout(r, 300));
  return {
    reports,
    own(text) {
      if (!(file instanceof TrackerFile)) throw new Error('SQLite only');
      file.sqlite.exec(text);
    },
    async close() {
      await watcher.close();
      await file.close();
      expect(failures).toEqual([]);
    },
  };
}

/** Backends reported as written from `ts` or earlier; null when something made every budget due instead. */
function writtenFrom(reports: readonly Report[], ts: number): Set<string> | null {
  if (reports.some((r) => r.kind === 'unattributed')) return null;
  return new Set(reports.flatMap((r) => (r.kind === 'written' && r.from <= ts ? r.backends : [])));
}

const open: (ResourceTracker | Watch)[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

describeEachDialect('foreign commits', () => {
  it("reports another process's events stored in rollups only, in an earlier month, with their backends", async () => {
    const store = await newStore('rollups-backends');
    const clock = fixedClock(MAY + 20 * DAY);
    const common = { ...store, clock: clock.now, flushOnExit: false, deliverWebhooks: false, rawRetentionMs: DAY };
    const writer = openResourceTracker({ ...common, budgetCheckIntervalMs: 3_600_000 });
    open.push(writer);
    writer.trackApiCall('other', 's3', { timestamp: MAY + 20 * DAY });
    await writer.flush();
    const watcher = await watch(store);
    open.push(watcher);
    // Older than the raw retention and in April: no event row tells of it.
    writer.trackBandwidthUpload('photos', 's3', 150, { timestamp: APRIL + 10 * DAY });
    await writer.flush();
    await eventually(async () => watcher.reports.length > 0);
    // Only photos' budgets are due (not every budget), and from April on.
    expect(watcher.reports).toEqual([{ kind: 'written', from: APRIL + 10 * DAY, backends: ['photos'] }]);
  });
});

describe('foreign commits on SQLite', () => {
  const newSqlite = testStores('sqlite', 'foreign-commits');

  it('reports commits whose event ids were handed out again after the newest rows were deleted', async () => {
    const store = await newSqlite('reused-ids');
    const clock = fixedClock(MAY + 20 * DAY);
    const common = {
      ...store,
      clock: clock.now,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
    };
    const writer = openResourceTracker({ ...common, budgetCheckIntervalMs: 3_600_000 });
    open.push(writer);
    for (let i = 0; i < 10; i++) writer.trackApiCall('first', 's3', { timestamp: MAY + 20 * DAY });
    await writer.flush();
    const watcher = await watch(store);
    open.push(watcher);
    // The newest rows go (as retention deletes rows dated before its cutoff, whatever their id); SQLite
    // then hands ids 6… out again: an April backfill takes 6–10 (at or below what the watcher read up to),
    // a later write 11–13.
    await writeStore(store, 'delete from events where id > 5');
    for (let i = 0; i < 5; i++) writer.trackApiCall('backfilled', 's3', { timestamp: APRIL + 10 * DAY });
    await writer.flush();
    for (let i = 0; i < 3; i++) writer.trackApiCall('later', 's3', { timestamp: MAY + 20 * DAY });
    await writer.flush();
    await eventually(async () => writtenFrom(watcher.reports, MAY + 20 * DAY)?.has('later') === true);
    await new Promise((r) => setTimeout(r, 200));
    // The backfill's backend from April on (both writes may be read in one look: one report of both).
    expect(writtenFrom(watcher.reports, APRIL + 10 * DAY)?.has('backfilled')).toBe(true);
    expect(writtenFrom(watcher.reports, MAY + 20 * DAY)).toEqual(new Set(['backfilled', 'later']));
  });

  it('a commit that stores no event (a budget, an alert) reports nothing', async () => {
    const store = await newSqlite('no-events');
    const writer = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
    open.push(writer);
    writer.trackApiCall('first', 's3');
    await writer.flush();
    const watcher = await watch(store);
    open.push(watcher);
    await writer.setBudget({ name: 'calls', metric: 'api_calls', limit: 1_000_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.reports).toEqual([]);
  });

  it('an event stored without a log row (a writer of a release before 0011) makes every budget due', async () => {
    const store = await newSqlite('unlogged');
    const writer = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
    open.push(writer);
    writer.trackApiCall('first', 's3');
    await writer.flush();
    const watcher = await watch(store);
    open.push(watcher);
    // What an older release's write leaves: a new event row and no event_commits row.
    await writeStore(
      store,
      `insert into events (ts, backend_id, resource, amount, success)
         select ts, backend_id, resource, amount, success from events order by id desc limit 1`,
    );
    await eventually(async () => watcher.reports.length > 0);
    expect(watcher.reports).toEqual([{ kind: 'unattributed', from: null }]);
  });

  it("this process's own commits move the watermark along: a busy writer never looks pruned", async () => {
    const store = await newSqlite('own-commits');
    const writer = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
    open.push(writer);
    writer.trackApiCall('first', 's3');
    await writer.flush();
    const watcher = await watch(store);
    open.push(watcher);
    // As if the watching process had committed more than the log keeps since its watermark.
    watcher.own(`insert into event_commits (seq, min_ts, backend_ids) values (${COMMIT_LOG_KEEP + 100}, 0, '1')`);
    await new Promise((r) => setTimeout(r, 300));
    writer.trackApiCall('later', 's3', { timestamp: Date.now() });
    await writer.flush();
    await eventually(async () => watcher.reports.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.reports).toEqual([{ kind: 'written', from: expect.any(Number), backends: ['later'] }]);
  });

  it('a watcher that fell behind the pruned log makes every budget due, as far back as a backfill reaches', () => {
    expect(commitsPruned(100, 100 + COMMIT_LOG_KEEP)).toBe(false);
    expect(commitsPruned(100, 101 + COMMIT_LOG_KEEP)).toBe(true);
  });

  it('the log is pruned to the last COMMIT_LOG_KEEP seqs, never its newest row', async () => {
    const store = await newSqlite('pruned');
    const writer = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
    open.push(writer);
    writer.trackApiCall('first', 's3');
    await writer.flush();
    // As if 10,047 commits had been logged, of which seq 48 is still kept; the next append is 10,048, the
    // first that prunes since (every 64th does).
    await writeStore(store, 'update event_commits set seq = ?', [COMMIT_LOG_KEEP + 47]);
    await writeStore(store, "insert into event_commits (seq, min_ts, backend_ids) values (48, 0, '1'), (49, 0, '1')");
    writer.trackApiCall('first', 's3');
    await writer.flush();
    // The append took seq 10,048 (max + 1) and pruned every seq up to 48; 49 is kept.
    const rows = await queryStore<{ seq: number }>(store, 'select seq from event_commits order by seq');
    expect(rows.map((r) => r.seq)).toEqual([49, COMMIT_LOG_KEEP + 47, COMMIT_LOG_KEEP + 48]);
  });
});

describe('rollups-only payloads', () => {
  it('carry the backend ids, split under the payload limit, and still read the form without them', () => {
    expect(rollupsOnlyPayloads(1_700_000_000_000, [3, 1, 3])).toEqual(['rollups-from:1700000000000:1,3']);
    expect(parseRollupsOnly('rollups-from:1700000000000:1,3')).toEqual({ from: 1_700_000_000_000, backendIds: [1, 3] });
    // Written by a writer of the earlier release: no backends named, so every budget is due.
    expect(parseRollupsOnly('rollups-from:1700000000000')).toEqual({ from: 1_700_000_000_000, backendIds: null });
    expect(parseRollupsOnly('12-40,45')).toBeNull();
    expect(parseRollupsOnly('rollups-from:x:1')).toBeNull();
    const ids = Array.from({ length: 5_000 }, (_, i) => 1_000_000 + i);
    const payloads = rollupsOnlyPayloads(1_700_000_000_000, ids);
    expect(payloads.length).toBeGreaterThan(1);
    const read: number[] = [];
    for (const p of payloads) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
      // The live feed takes none of them for id ranges.
      expect(parseIdRanges(p)).toEqual([]);
      const parsed = parseRollupsOnly(p)!;
      expect(parsed.from).toBe(1_700_000_000_000);
      read.push(...parsed.backendIds!);
    }
    expect(read).toEqual(ids);
  });
});
