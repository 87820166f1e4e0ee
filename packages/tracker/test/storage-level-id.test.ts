import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// A level report carries an idempotency id like any event: a resend after a lost answer adds nothing.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describeEachDialect('storage-level-id', () => {
  describe('storage level idempotency', () => {
    it('a level report resent with the same id is a duplicate, in one batch and across flushes and restarts', async () => {
      const path = await newStore('resend');
      const t = openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });
      t.trackStorageUsage('d', 'local', 100, { timestamp: NOW - 60_000 });
      t.setStorageLevel('d', 'local', 900, { id: 'level-1', timestamp: NOW - 30_000 });
      t.setStorageLevel('d', 'local', 900, { id: 'level-1', timestamp: NOW - 30_000 });
      expect(await t.flush()).toEqual({ written: 2, duplicates: 1 });
      t.setStorageLevel('d', 'local', 900, { id: 'level-1', timestamp: NOW - 30_000 });
      expect(await t.flush()).toEqual({ written: 0, duplicates: 1 });
      await t.close();

      const again = openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });
      again.setStorageLevel('d', 'local', 900, { id: 'level-1', timestamp: NOW - 30_000 });
      expect(await again.flush()).toEqual({ written: 0, duplicates: 1 });
      const page = await again.getResourceUsage({ backend: 'd', resourceType: 'storage_used', hoursBack: 1 });
      expect(page.events.map((e) => [e.id, e.amount, e.reportedLevel])).toEqual([
        ['level-1', 800, 900],
        [expect.any(String), 100, null],
      ]);
      expect((await again.getBackendStatus('d')).d?.currentStorageUsageBytes).toBe(900);
      await again.close();
    });

    it('batch ingest takes an id on a level report too', async () => {
      const t = openResourceTracker({ ...(await newStore()), clock: () => NOW, flushOnExit: false });
      const report = {
        id: 'r',
        backend: 'd',
        backendType: 'local',
        resourceType: 'storage_used',
        amount: 5,
        levelReport: true,
      };
      expect(await t.ingestBatch([report])).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(await t.ingestBatch([report])).toMatchObject({ accepted: 0, duplicates: 1 });
      await t.close();
    });
  });
});
