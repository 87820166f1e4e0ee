import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, StorageFullError } from '../src/index.js';
import { countRows } from './support/db-snapshot.js';
import { tempDbPaths } from './support/temp-db.js';

// Fault injection with a real SQLITE_FULL. The file cannot grow past `PRAGMA max_page_count` on the
// tracker's own connection, so SQLite itself answers "database or disk is full" exactly as on a full disk
// (same result code, same rollback); raising the limit is freeing space. (A tmpfs would need mount rights.)

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const dbPath = tempDbPaths('disk-full');

function connection(t: ResourceTracker): BetterSqlite3.Database {
  return (t as unknown as { file: { sqlite: BetterSqlite3.Database } }).file.sqlite;
}

/** The file may not grow past its current size: the next page it needs fails with SQLITE_FULL. */
function fillDisk(t: ResourceTracker): number {
  const db = connection(t);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return pages;
}

function freeSpace(t: ResourceTracker, pages: number): void {
  connection(t).pragma(`max_page_count = ${pages}`);
}

describe('disk full (real SQLITE_FULL)', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? w.name);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('keeps what was acknowledged, drops and counts past the bound, reads stale, and catches up in chunks', async () => {
    const path = dbPath('full.db');
    const t = openResourceTracker({
      path,
      clock: () => NOW,
      flushIntervalMs: 3_600_000,
      maxBatchSize: 50,
      maxPendingEvents: 2_000,
    });
    let id = 0;
    const record = () => t.trackBandwidthUpload('b', 's3', 1, { timestamp: NOW - 1000, id: `e${id++}` });
    try {
      for (let i = 0; i < 100; i++) record();
      expect(await t.flush()).toEqual({ written: 100, duplicates: 0 });
      const pages = fillDisk(t);

      // Fill during ingest: record until a flush fails with the disk full.
      let failed: Error | undefined;
      let stored = 100;
      while (!failed) {
        for (let i = 0; i < 50; i++) record();
        const r = await t.flush();
        stored += r.written;
        failed = r.error;
      }
      expect(failed).toBeInstanceOf(StorageFullError);
      expect((failed as StorageFullError).code).toBe('STORAGE_FULL');
      expect(t.writeState().storageFull).toBe(true);
      expect(t.pendingCount).toBeGreaterThan(0);

      // Reads keep answering from what is stored, and say it is stale.
      const summary = await t.getResourceSummary();
      expect(summary.totals.bandwidthUpload).toBe(stored);
      expect(t.writeState()).toMatchObject({ storageFull: true, pending: id - stored, droppedTotal: 0 });

      // A batch through ingestBatch is refused with the same clear error, and stores nothing.
      await expect(
        t.ingestBatch([{ backend: 'b', backendType: 's3', resourceType: 'api_calls', amount: 1 }]),
      ).rejects.toBeInstanceOf(StorageFullError);

      // Recording goes on up to maxPendingEvents; past it the newest are dropped and counted.
      while (t.pendingCount < 2_000) record();
      const acknowledged = id;
      for (let i = 0; i < 25; i++) t.trackBandwidthUpload('b', 's3', 1, { timestamp: NOW - 1000, id: `x${i}` });
      expect(t.pendingCount).toBe(2_000);
      const stillFull = await t.flush();
      expect(stillFull).toMatchObject({ written: 0, dropped: 25 });
      expect(stillFull.error).toBeInstanceOf(StorageFullError);
      expect(t.writeState().droppedTotal).toBe(25);
      await new Promise((resolve) => setImmediate(resolve)); // 'warning' is emitted on the next tick
      expect(warnings.filter((c) => c === 'BYTEMETER_STORAGE_FULL')).toHaveLength(1);
      expect(warnings.filter((c) => c === 'BYTEMETER_EVENTS_DROPPED')).toHaveLength(1);

      // Free a little space at a time: each flush writes the chunks that fit (never the whole backlog at
      // once), so some space already lets part of it in.
      let limit = pages;
      let partial = 0;
      while (t.pendingCount > 0) {
        limit += 4;
        freeSpace(t, limit);
        const r = await t.flush();
        stored += r.written;
        if (r.written > 0 && r.error) partial++;
        if (r.error) expect(r.error).toBeInstanceOf(StorageFullError);
      }
      expect(partial).toBeGreaterThan(0);
      expect(t.writeState()).toMatchObject({ storageFull: false, pending: 0 });

      // Nothing acknowledged is lost, nothing is doubled, nothing dropped was stored.
      expect(stored).toBe(acknowledged);
      expect((await t.getResourceSummary()).totals.bandwidthUpload).toBe(acknowledged);
    } finally {
      // Space for close(), so a failed assertion above is not hidden behind close's STORAGE_FULL.
      freeSpace(t, 1_000_000);
      await t.close();
    }
    expect(countRows(path, 'events')).toBe(id);
  });
});
