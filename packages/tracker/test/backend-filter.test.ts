import { describe, expect, it } from 'vitest';
import { openResourceTracker, ValidationError } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Reads narrow to one backend with `backend` (the GraphQL argument's name); `backendName`, the first
// spelling, is a deprecated alias that must keep answering exactly the same.

const NOW = Date.UTC(2026, 3, 14, 9, 30, 0);
const HOUR = 3_600_000;

async function drain(iterable: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of iterable) out += chunk;
  return out;
}

async function openWithTraffic() {
  const t = openResourceTracker({ ...(await newStore('filter')), clock: () => NOW, flushOnExit: false });
  const start = await t.getEventFeed({});
  t.trackBandwidthUpload('photos', 's3', 500, { timestamp: NOW - 2000 });
  t.trackBandwidthUpload('pins', 'ipfs', 70, { timestamp: NOW - 1000 });
  t.trackApiCall('photos', 's3', { timestamp: NOW - 500 });
  return { t, after: start.cursor };
}

describeEachDialect('backend-filter', () => {
  describe('the backend filter', () => {
    it('`backend` and its deprecated alias `backendName` select the same events in every read', async () => {
      const { t, after } = await openWithTraffic();
      try {
        const range = { from: new Date(NOW - HOUR), to: new Date(NOW) };
        const series = { resourceType: 'bandwidth_upload', granularity: 'hour', ...range } as const;
        const reads = [
          (f: object) => t.getResourceSummary({ ...range, ...f }),
          (f: object) => t.getResourceUsage({ hoursBack: 1, ...f }),
          (f: object) => t.getTimeSeries({ ...series, ...f }),
          (f: object) => drain(t.exportUsage({ format: 'json', hoursBack: 1, ...f })),
          (f: object) => t.getEventFeed({ after, ...f }),
          (f: object) => t.getBandwidthFeed({ after, ...f }),
        ];
        for (const read of reads) {
          const byNew = await read({ backend: 'photos' });
          expect(await read({ backendName: 'photos' })).toEqual(byNew);
          expect(await read({ backend: 'photos', backendName: 'photos' })).toEqual(byNew);
          // The filter is real: the whole file answers differently.
          expect(await read({})).not.toEqual(byNew);
        }
        const usage = await t.getResourceUsage({ hoursBack: 1, backend: 'photos' });
        expect(usage.events.map((e) => e.backend)).toEqual(['photos', 'photos']);
        const summary = await t.getResourceSummary({ ...range, backend: 'pins' });
        expect(Object.keys(summary.backends)).toEqual(['pins']);
      } finally {
        await t.close();
      }
    });

    it('refuses two different names, with a typed error, before anything is read', async () => {
      const { t } = await openWithTraffic();
      try {
        const both = { backend: 'photos', backendName: 'pins' };
        const reads: (() => Promise<unknown>)[] = [
          () => t.getResourceSummary(both),
          () => t.getResourceUsage(both),
          () =>
            t.getTimeSeries({
              resourceType: 'api_calls',
              granularity: 'hour',
              from: new Date(NOW - HOUR),
              to: new Date(NOW),
              ...both,
            }),
          () => t.getEventFeed(both),
          () => t.getBandwidthFeed(both),
        ];
        for (const read of reads) {
          const error = await read().then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).code).toBe('INVALID_OPTION');
          // Checked before the pending events would have been written.
          expect(t.pendingCount).toBe(3);
        }
        expect(() => t.exportUsage({ format: 'csv', ...both })).toThrow(ValidationError);
      } finally {
        await t.close();
      }
    });
  });
});
