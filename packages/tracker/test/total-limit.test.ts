import { afterEach, describe, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, TotalLimitError } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Issue 14: two valid events of 2^53 - 1 bytes on one backend used to make every read fail for good.
// The all-time total of a resource over every backend (for storage_used: the backends' levels together)
// never passes 2^53 - 1, so no read's sum (one backend's or all backends') can: the event that would take it
// there is refused with TOTAL_TOO_LARGE and nothing of it is stored.

const MAX = Number.MAX_SAFE_INTEGER;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
let t: ResourceTracker;

async function open() {
  t = openResourceTracker({ ...(await newStore()), clock: () => NOW, flushOnExit: false });
  return t;
}
afterEach(async () => {
  await t?.close();
});

async function everyReadAnswers() {
  const range = { from: new Date(NOW - 86_400_000), to: new Date(NOW + 1) };
  const summary = await t.getResourceSummary(range);
  const status = await t.getBackendStatus();
  const series = await t.getTimeSeries({ resourceType: 'bandwidth_upload', granularity: 'hour', ...range });
  const summed = await t.getTimeSeries({
    resourceType: 'bandwidth_upload',
    granularity: 'day',
    perBackend: false,
    ...range,
  });
  return { summary, status, series, summed };
}

describeEachDialect('total-limit', () => {
  describe('running totals past 2^53 - 1', () => {
    it('the library refuses the second upload of 2^53 - 1 bytes at flush, and every read still answers', async () => {
      await open();
      t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 60_000 });
      expect((await t.flush()).error).toBeUndefined();
      t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 30_000 });
      t.trackApiCall('big', 's3', { timestamp: NOW - 30_000 }); // another resource of the same backend is fine
      const flushed = await t.flush();
      expect(flushed.error).toBeInstanceOf(TotalLimitError);
      expect(flushed.error).toMatchObject({ code: 'TOTAL_TOO_LARGE', backend: 'big', total: MAX, amount: MAX });
      expect(flushed.written).toBe(1);

      const { summary, status, series } = await everyReadAnswers();
      const big = summary.backends.big!;
      expect(summary.totals.bandwidthUpload).toBe(MAX);
      expect(big.resources.bandwidth_upload?.totalAmount).toBe(MAX);
      expect(big.resources.bandwidth_upload?.operationCount).toBe(1);
      expect(big.resources.api_calls?.totalAmount).toBe(1);
      expect(status.big?.healthStatus).toBe('healthy');
      expect(series.reduce((sum, p) => sum + p.totalAmount, 0)).toBe(MAX);
      // The limit is over every backend: another backend cannot add a byte of upload, and sums stay exact.
      t.trackBandwidthUpload('other', 's3', 1, { timestamp: NOW - 1000 });
      expect((await t.flush()).error).toMatchObject({
        code: 'TOTAL_TOO_LARGE',
        backend: 'other',
        total: MAX,
        amount: 1,
      });
      t.trackBandwidthDownload('other', 's3', MAX, { timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      const after = await everyReadAnswers();
      expect(after.summed.map((p) => p.totalAmount)).toEqual([MAX]);
      expect(after.summary.totals).toMatchObject({ bandwidthUpload: MAX, bandwidthDownload: MAX });
    });

    it('refuses a storage change that would take the levels together past 2^53 - 1', async () => {
      await open();
      t.trackStorageUsage('disk', 'local', MAX - 5, { timestamp: NOW - 2000 });
      t.trackStorageUsage('disk', 'local', 6, { timestamp: NOW - 1000 });
      expect((await t.flush()).error).toMatchObject({ code: 'TOTAL_TOO_LARGE', resourceType: 'storage_used' });
      t.setStorageLevel('other-disk', 'local', 6, { timestamp: NOW - 1000 });
      expect((await t.flush()).error).toMatchObject({ code: 'TOTAL_TOO_LARGE', total: MAX - 5, amount: 6 });
      t.trackStorageUsage('disk', 'local', -5, { timestamp: NOW - 500 });
      t.setStorageLevel('other-disk', 'local', 10, { timestamp: NOW - 500 });
      expect(await t.flush()).toEqual({ written: 2, duplicates: 0 });
      const { summary, status } = await everyReadAnswers();
      expect(status.disk?.currentStorageUsageBytes).toBe(MAX - 10);
      expect(status['other-disk']?.currentStorageUsageBytes).toBe(10);
      expect(summary.totals.storageUsed).toBe(MAX);
    });

    it('the ids of refused events are taken out again (several backends at once), so a resend is no duplicate', async () => {
      await open();
      t.trackBandwidthUpload('big', 's3', MAX, { id: 'first', timestamp: NOW - 60_000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
      for (const backend of ['big', 'other']) {
        for (const id of ['a', 'b', 'c']) t.trackBandwidthUpload(backend, 's3', 1, { id, timestamp: NOW - 30_000 });
      }
      const refused = await t.flush();
      expect(refused).toMatchObject({ written: 0, duplicates: 0, error: { code: 'TOTAL_TOO_LARGE' } });
      // The same ids as downloads (another total): stored, none a duplicate; the first id still is one.
      for (const backend of ['big', 'other']) {
        for (const id of ['a', 'b', 'c']) t.trackBandwidthDownload(backend, 's3', 1, { id, timestamp: NOW - 20_000 });
      }
      t.trackBandwidthDownload('big', 's3', 1, { id: 'first', timestamp: NOW - 20_000 });
      expect(await t.flush()).toEqual({ written: 6, duplicates: 1 });
      expect((await t.getResourceSummary({ period: 'day' })).totals).toMatchObject({
        bandwidthUpload: MAX,
        bandwidthDownload: 6,
      });
    });

    it('an atomic batch that would pass the limit is refused whole, naming the event', async () => {
      await open();
      const ev = (amount: number) => ({ backend: 'big', backendType: 's3', resourceType: 'bandwidth_upload', amount });
      const refused = await t.ingestBatch([ev(5), ev(MAX - 10), ev(6)]);
      expect(refused.accepted).toBe(0);
      expect(refused.rejected).toEqual([
        { index: 2, code: 'TOTAL_TOO_LARGE', message: expect.stringContaining('big') },
      ]);
      expect((await t.getResourceSummary()).backends).toEqual({});
      expect((await t.ingestBatch([ev(5), ev(MAX - 10), ev(5)])).accepted).toBe(3);
      expect((await t.ingestBatch([ev(1)])).rejected.map((r) => r.code)).toEqual(['TOTAL_TOO_LARGE']);
      const { summary } = await everyReadAnswers();
      expect(summary.backends.big?.resources.bandwidth_upload?.totalAmount).toBe(MAX);
    });
  });
});
