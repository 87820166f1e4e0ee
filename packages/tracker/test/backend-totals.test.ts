import { describe, expect, it } from 'vitest';
import { openResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// getBackendTotals: all-time counters per backend (what /metrics exposes), equal to a summary over all
// time, exact after a restart and after raw events are pruned (rollups-only mode keeps raw rows one hour).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 10, 12, 0, 0);

describeEachDialect('backend-totals', () => {
  describe('getBackendTotals', () => {
    it('equals an all-time summary, across days, failures, a restart and raw pruning', async () => {
      const path = await newStore('totals');
      const clock = () => NOW;
      const t = openResourceTracker({ ...path, clock, mode: 'rollups-only', flushOnExit: false });
      expect(await t.getBackendTotals()).toEqual([]);
      for (let day = 0; day < 5; day++) {
        const timestamp = NOW - day * DAY - 3 * HOUR;
        t.trackBandwidthUpload('photos', 's3', 1000 + day, { timestamp });
        t.trackBandwidthDownload('photos', 's3', 70 * day, { timestamp });
        t.trackApiCall('photos', 's3', { timestamp, success: day % 2 === 0 });
        t.trackApiCall('models', 'huggingface', { timestamp: timestamp + 1 });
        t.trackCost('models', 'huggingface', 12.5, { timestamp });
      }
      t.trackStorageUsage('photos', 's3', 5000);
      const totals = await t.getBackendTotals();
      const summary = await t.getResourceSummary({ from: new Date(NOW - 30 * DAY), to: new Date(NOW + HOUR) });
      expect(totals).toEqual([
        {
          backend: 'models',
          backendType: 'huggingface',
          uploadBytes: 0,
          downloadBytes: 0,
          apiCalls: 5,
          failedApiCalls: 0,
          operationCostMicros: summary.totals.operationCostMicros,
        },
        {
          backend: 'photos',
          backendType: 's3',
          uploadBytes: 5010,
          downloadBytes: 700,
          apiCalls: 5,
          failedApiCalls: 2,
          operationCostMicros: 0,
        },
      ]);
      expect(summary.totals.operationCostMicros).toBeGreaterThan(0);
      const sum = (key: 'uploadBytes' | 'downloadBytes' | 'apiCalls') => totals.reduce((n, b) => n + b[key], 0);
      expect(sum('uploadBytes')).toBe(summary.totals.bandwidthUpload);
      expect(sum('downloadBytes')).toBe(summary.totals.bandwidthDownload);
      expect(sum('apiCalls')).toBe(summary.totals.apiCalls);
      await t.close();

      // A new process, days later: raw events are gone, the counters are not.
      const later = openResourceTracker({
        ...path,
        clock: () => NOW + 3 * DAY,
        mode: 'rollups-only',
        flushOnExit: false,
      });
      expect(await later.getBackendTotals()).toEqual(totals);
      later.trackBandwidthUpload('photos', 's3', 1);
      const after = await later.getBackendTotals();
      expect(after.find((b) => b.backend === 'photos')?.uploadBytes).toBe(5011);
      // That flush pruned the raw events older than the hour rollups-only mode keeps: only the new one is left.
      const raw = await later.getResourceUsage({ from: new Date(NOW - 30 * DAY), to: new Date(NOW + 4 * DAY) });
      expect(raw.totalCount).toBe(1);
      await later.close();
    });
  });
});
