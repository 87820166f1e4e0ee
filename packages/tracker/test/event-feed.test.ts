import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// The feed reads what landed in the database after a cursor, whichever process wrote it.

describeEachDialect('event-feed', () => {
  describe('event and bandwidth feeds', () => {
    it('return what another tracker on the same file stored after the cursor', async () => {
      const path = await newStore('feed');
      // One after the other: two migrations of a fresh file in one process would wait on each other.
      const reader = openResourceTracker({ ...path, flushOnExit: false });
      await reader.ready;
      const writer = openResourceTracker({ ...path, flushOnExit: false });
      await writer.ready;
      writer.trackBandwidthUpload('old', 's3', 999);
      await writer.flush();
      const start = await reader.getEventFeed({});
      const bwStart = await reader.getBandwidthFeed({});
      expect(start.events).toEqual([]);

      writer.trackBandwidthUpload('a', 's3', 100);
      writer.trackBandwidthDownload('a', 's3', 30);
      writer.trackBandwidthUpload('b', 'ipfs', 7);
      writer.trackApiCall('a', 's3');
      await writer.flush();

      const page = await reader.getEventFeed({ after: start.cursor });
      expect(page.events.map((e) => [e.backend, e.resourceType, e.amount])).toEqual([
        ['a', 'bandwidth_upload', 100],
        ['a', 'bandwidth_download', 30],
        ['b', 'bandwidth_upload', 7],
        ['a', 'api_calls', 1],
      ]);
      expect((await reader.getEventFeed({ after: page.cursor })).events).toEqual([]);
      const onlyA = await reader.getEventFeed({ after: start.cursor, backend: 'a', resourceType: 'api_calls' });
      expect(onlyA.events.map((e) => e.resourceType)).toEqual(['api_calls']);

      expect(await reader.getBandwidthFeed({ after: bwStart.cursor })).toMatchObject({
        uploadBytes: 107,
        downloadBytes: 30,
      });
      expect(await reader.getBandwidthFeed({ after: bwStart.cursor, backend: 'a' })).toMatchObject({
        uploadBytes: 100,
        downloadBytes: 30,
      });
      expect(await reader.getBandwidthFeed({ after: bwStart.cursor, backend: 'none' })).toMatchObject({
        uploadBytes: 0,
        downloadBytes: 0,
      });
      const later = await reader.getBandwidthFeed({ after: bwStart.cursor });
      expect(await reader.getBandwidthFeed({ after: later.cursor })).toEqual({
        uploadBytes: 0,
        downloadBytes: 0,
        cursor: later.cursor,
      });
      await Promise.all([reader.close(), writer.close()]);
    });

    it('pages a long feed without losing an event', async () => {
      const path = await newStore('pages');
      const t = openResourceTracker({ ...path, flushOnExit: false });
      let { cursor } = await t.getEventFeed({});
      for (let i = 0; i < 25; i++) t.trackApiCall('a', 's3', { id: `id-${i}` });
      const seen: string[] = [];
      for (;;) {
        const page = await t.getEventFeed({ after: cursor, limit: 10 });
        seen.push(...page.events.map((e) => e.id));
        if (page.cursor === cursor) break;
        cursor = page.cursor;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `id-${i}`));
      await t.close();
    });
  });
});
