import { expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, writeStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// getSummaryVersion: equal for two calls only when getResourceSummary would answer the same, so a caller
// may keep something derived from a summary (the API's response cache) while it is unchanged.

const NOW = Date.UTC(2026, 10, 27, 23, 58, 0) + 12_345;

/**
 * The version `read` gives twice in a row, across a read of the summary in between. On PostgreSQL the
 * version is the server's snapshot, which any commit on the server moves (other test files' databases
 * too): a miss, never a wrong answer, so "stays" means two equal reads within a few tries, not every time.
 */
async function steady(read: () => Promise<string | null>, between: () => Promise<unknown> = async () => {}) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = await read();
    await between();
    if ((await read()) === a) return a;
  }
  throw new Error('the version never stayed the same between two reads');
}

describeEachDialect('getSummaryVersion', () => {
  it('stays while nothing changes and moves with own writes, pending events and other processes', async () => {
    const store = await newStore('moves');
    const clock = fixedClock(NOW);
    const tracker = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    const other = openResourceTracker({ ...store, clock: clock.now, flushOnExit: false });
    try {
      await tracker.ready;
      const version = (q = {}) => tracker.getSummaryVersion(q);
      const v0 = await steady(version);
      expect(v0).toEqual(expect.any(String));
      // Another summary (period, zone, backend) is another version.
      expect(await tracker.getSummaryVersion({ period: 'month' })).not.toBe(v0);
      expect(await tracker.getSummaryVersion({ timezone: 'Asia/Kolkata' })).not.toBe(v0);
      expect(await tracker.getSummaryVersion({ backend: 'photos' })).not.toBe(v0);
      // An event still pending in memory is written first, as a read would.
      tracker.trackBandwidthUpload('photos', 's3', 100);
      const v1 = await tracker.getSummaryVersion();
      expect(v1).not.toBe(v0);
      expect((await tracker.getResourceSummary()).totals.bandwidthUpload).toBe(100);
      // Reading a summary commits nothing.
      await steady(version, () => tracker.getResourceSummary());
      await tracker.ingestBatch([{ backend: 'photos', backendType: 's3', resourceType: 'api_calls', amount: 1 }]);
      const v2 = await steady(version);
      expect(v2).not.toBe(v1);
      // Another tracker (another process or replica) commits: the version moved as soon as its write returned.
      other.trackApiCall('photos', 's3');
      await other.flush();
      const v3 = await steady(version);
      expect(v3).not.toBe(v2);
      expect((await tracker.getResourceSummary()).totals.apiCalls).toBe(2);
      // The clock reaching the next day, with no commit: the day summary is another answer.
      const day = (await version())!.split('|').slice(1).join('|');
      clock.advance(5 * 60_000);
      expect((await version())!.split('|').slice(1).join('|')).not.toBe(day);
    } finally {
      await other.close();
      await tracker.close();
    }
  });

  it('moves with a commit made outside any tracker (a plain SQL client)', async () => {
    const store = await newStore('outside');
    const tracker = openResourceTracker({ ...store, flushOnExit: false });
    try {
      await tracker.ingestBatch([{ backend: 'photos', backendType: 's3', resourceType: 'api_calls', amount: 1 }]);
      const v0 = await steady(() => tracker.getSummaryVersion());
      // Any committed change to what summaries read: here a rollup total changed by hand.
      await writeStore(store, 'update rollups set total = total + 1');
      expect(await tracker.getSummaryVersion()).not.toBe(v0);
    } finally {
      await tracker.close();
    }
  });

  it('is null when summaries are not memoised, and checks its query like getResourceSummary', async () => {
    const tracker = openResourceTracker({ ...(await newStore('off')), memoizeSummaries: false, flushOnExit: false });
    try {
      await tracker.ready;
      expect(await tracker.getSummaryVersion()).toBeNull();
      await expect(tracker.getSummaryVersion({ timezone: 'Mars/Olympus' })).rejects.toMatchObject({
        code: 'INVALID_TIMEZONE',
      });
    } finally {
      await tracker.close();
    }
  });
});
