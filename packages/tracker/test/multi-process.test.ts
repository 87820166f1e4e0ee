import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { startWorker } from './support/spawn-worker.js';
import { countStoreRows, DIALECTS, testStores } from './support/stores.js';

// Two OS processes write one store at the same time (a SQLite file, or one PostgreSQL database): nothing is
// lost or counted twice, ids recorded by both are counted once, and the storage level adds up.

describe.each(DIALECTS)('two processes recording into one store (%s)', (dialect) => {
  const newStore = testStores(dialect, 'multi-process');
  it('every count is exact afterwards, shared ids included', async () => {
    const path = await newStore('shared');
    const started = Date.now();
    const plans = [1, 2].map((worker) => ({
      store: path,
      worker,
      own: 3000,
      shared: 1500,
      anonymous: 2000,
      mode: 'concurrent' as const,
    }));
    const workers = plans.map((plan) => startWorker(plan));
    // Both open (the second may find the file being created by the first), then start together.
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    for (const w of workers) w.child.stdin!.end('go\n');
    const outputs = await Promise.all(workers.map((w) => w.done));
    const reports = outputs.map(
      (lines) =>
        JSON.parse(lines[lines.length - 1]!) as {
          written: number;
          duplicates: number;
          startedAt: number;
          endedAt: number;
        },
    );
    // The two really wrote at the same time: each started before the other finished.
    expect(Math.max(...reports.map((r) => r.startedAt))).toBeLessThan(Math.min(...reports.map((r) => r.endedAt)));

    const own = plans.reduce((n, p) => n + p.own, 0);
    const anonymous = plans.reduce((n, p) => n + p.anonymous, 0);
    const shared = plans[0]!.shared;
    // Each shared id was written by exactly one process and refused as a duplicate by the other.
    expect(reports.reduce((n, r) => n + r.duplicates, 0)).toBe(shared);
    expect(reports.reduce((n, r) => n + r.written, 0)).toBe(own * 2 + shared + anonymous);
    expect(await countStoreRows(path, 'events')).toBe(own * 2 + shared + anonymous);

    const tracker = openResourceTracker({ ...path, flushOnExit: false });
    try {
      const s = await tracker.getResourceSummary({
        from: new Date(started - 3_600_000),
        to: new Date(Date.now() + 60_000),
      });
      const r = s.backends['shared-bucket']!.resources;
      const ownBytes = plans.reduce((n, p) => n + (p.own * (p.own + 1)) / 2, 0);
      expect(r.bandwidth_upload).toMatchObject({ totalAmount: ownBytes, operationCount: own });
      expect(r.bandwidth_download).toMatchObject({ totalAmount: shared * 1000, operationCount: shared });
      expect(r.api_calls).toMatchObject({ totalAmount: anonymous, operationCount: anonymous });
      expect(r.storage_used).toMatchObject({ totalAmount: own * 10, operationCount: own });
      const status = (await tracker.getBackendStatus('shared-bucket'))['shared-bucket']!;
      expect(status.currentStorageUsageBytes).toBe(own * 10);
      // Every id is there once.
      const ids = new Set<string>();
      let cursor: string | undefined;
      let total = 0;
      do {
        const page = await tracker.getResourceUsage({
          from: new Date(started - 3_600_000),
          to: new Date(Date.now() + 60_000),
          resourceType: 'bandwidth_download',
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        for (const e of page.events) ids.add(e.id);
        total += page.events.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(total).toBe(shared);
      expect(ids.size).toBe(shared);
    } finally {
      await tracker.close();
    }
  }, 60_000);
});
