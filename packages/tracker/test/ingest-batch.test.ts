import { describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS, openResourceTracker, type ResourceTracker, ValidationError } from '../src/index.js';
import { describeEachDialect, newStore, type StoreOptions } from './support/stores.js';

// ingestBatch (what the API's trackUsage calls): every event validated first, then all or nothing.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const open = (path: StoreOptions): ResourceTracker =>
  openResourceTracker({ ...path, clock: () => NOW, flushOnExit: false });

const ev = (over: Record<string, unknown> = {}) => ({
  backend: 'b',
  backendType: 's3',
  resourceType: 'bandwidth_upload',
  amount: 10,
  ...over,
});

async function uploaded(t: ResourceTracker, backend = 'b'): Promise<number> {
  const s = await t.getResourceSummary({ period: 'day' });
  return s.backends[backend]?.resources.bandwidth_upload?.totalAmount ?? 0;
}

describeEachDialect('ingest-batch', () => {
  describe('ResourceTracker.ingestBatch', () => {
    it('stores every event of a valid batch and counts repeated ids as duplicates', async () => {
      const t = open(await newStore());
      expect(await t.ingestBatch([ev({ id: 'a' }), ev({ id: 'b', amount: 5 }), ev({ id: 'a' })])).toEqual({
        accepted: 2,
        duplicates: 1,
        rejected: [],
      });
      expect(await t.ingestBatch([ev({ id: 'b', amount: 5 }), ev({ amount: 1 })])).toEqual({
        accepted: 1,
        duplicates: 1,
        rejected: [],
      });
      expect(await uploaded(t)).toBe(16);
      await t.close();
    });

    it('reports every invalid event with its index and stores nothing', async () => {
      const t = open(await newStore());
      const result = await t.ingestBatch([
        ev(),
        ev({ amount: -1 }),
        ev({ amount: 1.5 }),
        ev({ backendType: 'ftp' }),
        ev({ resourceType: 'nope' }),
        ev({ timestamp: Number.NaN }),
        ev({ backendType: 'ipfs' }),
        ev({ resourceType: 'storage_used', amount: -5 }),
        ev({ amount: 2 ** 53 }),
      ]);
      expect(result.accepted).toBe(0);
      expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
        [1, 'INVALID_AMOUNT'],
        [2, 'INVALID_AMOUNT'],
        [3, 'INVALID_BACKEND_TYPE'],
        [4, 'INVALID_RESOURCE_TYPE'],
        [5, 'INVALID_TIMESTAMP'],
        [6, 'BACKEND_TYPE_CONFLICT'],
        [7, 'STORAGE_BELOW_ZERO'],
        [8, 'INVALID_AMOUNT'],
      ]);
      expect(await uploaded(t)).toBe(0);
      expect((await t.getBackends()).length).toBe(0);
      await t.close();
    });

    it('rolls back a batch another process makes invalid (type fixed by another writer)', async () => {
      const path = await newStore('shared');
      const other = open(path);
      await other.ready;
      const t = open(path);
      await t.ready;
      other.trackApiCall('b', 'ipfs');
      await other.flush();
      const result = await t.ingestBatch([ev({ backend: 'fresh' }), ev()]);
      expect(result.accepted).toBe(0);
      expect(result.rejected).toEqual([expect.objectContaining({ index: 1, code: 'BACKEND_TYPE_CONFLICT' })]);
      expect((await t.getBackends()).map((b) => b.name)).toEqual(['b']);
      await Promise.all([t.close(), other.close()]);
    });

    it('judges storage levels by the database, not by what this process last saw', async () => {
      const path = await newStore('levels');
      const t = open(path);
      await t.ready;
      await t.ingestBatch([ev({ resourceType: 'storage_used', amount: 10 })]);
      const other = open(path);
      await other.ready;
      other.trackStorageUsage('b', 's3', 100);
      await other.flush();
      // This process last saw 10; the file says 110, so taking 50 away is fine.
      expect(await t.ingestBatch([ev({ resourceType: 'storage_used', amount: -50 })])).toMatchObject({ accepted: 1 });
      const refused = await t.ingestBatch([
        ev({ resourceType: 'storage_used', amount: -40 }),
        ev({ resourceType: 'storage_used', amount: -40 }),
        ev({ resourceType: 'storage_used', amount: -40 }),
      ]);
      expect(refused.accepted).toBe(0);
      expect(refused.rejected.map((r) => [r.index, r.code])).toEqual([
        [1, 'STORAGE_BELOW_ZERO'],
        [2, 'STORAGE_BELOW_ZERO'],
      ]);
      expect((await t.getBackendStatus('b')).b?.currentStorageUsageBytes).toBe(60);
      await Promise.all([t.close(), other.close()]);
    });

    it('records a level report as an absolute level', async () => {
      const t = open(await newStore());
      await t.ingestBatch([ev({ resourceType: 'storage_used', amount: 100 })]);
      await t.ingestBatch([ev({ resourceType: 'storage_used', amount: 40, levelReport: true })]);
      expect((await t.getBackendStatus('b')).b?.currentStorageUsageBytes).toBe(40);
      await t.close();
    });

    it(`refuses more than ${MAX_BATCH_EVENTS} events whole`, async () => {
      const t = open(await newStore());
      const batch = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ev());
      await expect(t.ingestBatch(batch)).rejects.toThrow(ValidationError);
      await expect(t.ingestBatch(batch)).rejects.toMatchObject({ code: 'BATCH_TOO_LARGE' });
      expect(await uploaded(t)).toBe(0);
      await t.close();
    });
  });
});
