import { describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { startWorker } from './support/spawn-worker.js';
import { countStoreRows, DIALECTS, type StoreOptions, testStores } from './support/stores.js';

// Nothing acknowledged is lost: reads see what was recorded before them, close() writes everything, and a
// process that ends without close() still has its events on disk. On both dialects: on PostgreSQL a
// process.exit() hands the pending events to a child process that writes them (tracker/exit-write.ts).

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

async function drain(iterable: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of iterable) out += chunk;
  return out;
}

describe.each(DIALECTS)('durability (%s)', (dialect) => {
  const newStore = testStores(dialect, 'durability');

  describe('reads see earlier records without a flush', () => {
    it('summary, usage, status, series and export all include events still pending', async () => {
      const t = openResourceTracker({ ...(await newStore('reads')), clock: () => NOW, flushIntervalMs: 3_600_000 });
      try {
        const fresh = (n: number) => {
          t.trackBandwidthUpload('b', 's3', n, { timestamp: NOW - 1000 });
          expect(t.pendingCount).toBeGreaterThan(0);
        };
        fresh(10);
        expect((await t.getResourceSummary()).totals.bandwidthUpload).toBe(10);
        fresh(20);
        expect((await t.getResourceUsage()).totalCount).toBe(2);
        fresh(30);
        expect((await t.getBackendStatus()).b?.lastOperationAt).toBe(new Date(NOW - 1000).toISOString());
        fresh(40);
        const series = await t.getTimeSeries({
          resourceType: 'bandwidth_upload',
          granularity: 'hour',
          from: new Date(NOW - 3_600_000),
          to: new Date(NOW),
        });
        expect(series.reduce((n, p) => n + p.totalAmount, 0)).toBe(100);
        fresh(50);
        const exported = JSON.parse(await drain(t.exportUsage({ format: 'json', hoursBack: 1 }))) as unknown[];
        expect(exported).toHaveLength(5);
        expect(t.pendingCount).toBe(0);
      } finally {
        await t.close();
      }
    });
  });

  describe('close()', { timeout: 30_000 }, () => {
    it('writes every pending event, more than a batch, with no flush awaited before', async () => {
      const path = await newStore('close');
      const t = openResourceTracker({ ...path, clock: () => NOW, flushIntervalMs: 3_600_000, maxBatchSize: 1000 });
      const n = 25_000;
      for (let i = 0; i < n; i++) t.trackBandwidthDownload('b', 's3', i % 1000, { timestamp: NOW - (i % 3_000_000) });
      await t.close();
      expect(await countStoreRows(path, 'events')).toBe(n);
      const again: ResourceTracker = openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });
      try {
        const s = await again.getResourceSummary({ from: new Date(NOW - 3_600_000), to: new Date(NOW + 1) });
        let expected = 0;
        for (let i = 0; i < n; i++) expected += i % 1000;
        expect(s.backends.b?.resources.bandwidth_download).toMatchObject({ totalAmount: expected, operationCount: n });
      } finally {
        await again.close();
      }
    });

    it('is safe to call twice, and a closed tracker refuses new work with TRACKER_CLOSED', async () => {
      const t = openResourceTracker({ ...(await newStore('twice')), clock: () => NOW });
      t.trackApiCall('b', 's3', { timestamp: NOW - 1 });
      await Promise.all([t.close(), t.close()]);
      await t.close();
      expect(() => t.trackApiCall('b', 's3')).toThrow(expect.objectContaining({ code: 'TRACKER_CLOSED' }));
      await expect(t.getResourceSummary()).rejects.toMatchObject({ code: 'TRACKER_CLOSED' });
    });
  });

  describe('a process that ends without close()', { timeout: 30_000 }, () => {
    const plan = { worker: 1, own: 700, shared: 0, anonymous: 300 };

    async function expectOnDisk(store: StoreOptions) {
      const t = openResourceTracker({ ...store, flushOnExit: false });
      try {
        const s = await t.getResourceSummary({
          from: new Date(Date.now() - 3_600_000),
          to: new Date(Date.now() + 60_000),
        });
        const r = s.backends['shared-bucket']?.resources;
        expect(r?.bandwidth_upload).toMatchObject({
          operationCount: plan.own,
          totalAmount: (plan.own * (plan.own + 1)) / 2,
        });
        expect(r?.api_calls?.operationCount).toBe(plan.anonymous);
      } finally {
        await t.close();
      }
    }

    it('has its events on disk when the event loop simply runs out', async () => {
      const path = await newStore('natural');
      await startWorker({ ...plan, store: path, mode: 'exit-natural' }).done;
      await expectOnDisk(path);
    });

    it('has its events on disk after process.exit() on a file it already migrated', async () => {
      const path = await newStore('explicit');
      await startWorker({ ...plan, store: path, mode: 'exit-explicit', awaitReady: true }).done;
      await expectOnDisk(path);
    });

    it('has its events on disk after process.exit() in the same tick as opening a new file', async () => {
      const path = await newStore('same-tick-new');
      await startWorker({ ...plan, store: path, mode: 'exit-explicit' }).done;
      await expectOnDisk(path);
    });

    it('has its events on disk after process.exit() in the same tick as opening an existing file', async () => {
      const path = await newStore('same-tick');
      await openResourceTracker({ ...path, flushOnExit: false }).close(); // the store exists, with its schema
      await startWorker({ ...plan, store: path, mode: 'exit-explicit' }).done;
      await expectOnDisk(path);
    });
  });
});
