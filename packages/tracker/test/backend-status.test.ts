import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH,
  type HealthStatus,
  type HealthThresholds,
  openResourceTracker,
  type ResourceTracker,
} from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Health, activity and bandwidth come from observed operations only, judged by the documented thresholds
// (src/query/health.ts): idle without operations in the window; unhealthy at 5 failures in a row, or, with
// at least 20 operations in the window, an error rate >= 25 %; degraded at >= 5 % (20 operations or more);
// else healthy. A failed newest operation alone no longer degrades (it made health flap).

const SEC = 1000;
const MIN = 60 * SEC;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 30) + 250; // off every minute mark

async function open(health?: Partial<HealthThresholds>) {
  return openResourceTracker({
    ...(await newStore()),
    clock: () => NOW,
    flushOnExit: false,
    ...(health ? { health } : {}),
  });
}

/** `n` API calls spread over the last `spanMs` before now, oldest first; `failed(i)` marks failures. */
function calls(
  t: ResourceTracker,
  backend: string,
  n: number,
  failed: (i: number) => boolean,
  spanMs = 10 * MIN,
  endAgo = 1,
) {
  for (let i = 0; i < n; i++) {
    const ts = NOW - endAgo - Math.floor(((n - 1 - i) * spanMs) / n);
    t.trackApiCall(backend, 's3', { timestamp: ts, success: !failed(i) });
  }
}

async function status(t: ResourceTracker, backend: string) {
  const all = await t.getBackendStatus(backend);
  expect(Object.keys(all)).toEqual([backend]);
  return all[backend]!;
}

describeEachDialect('backend-status', () => {
  describe('health', () => {
    const CASES: [string, (t: ResourceTracker, b: string) => void, HealthStatus, number, number][] = [
      // name, setup, status, error rate, failures in a row
      ['no failures', (t, b) => calls(t, b, 100, () => false), 'healthy', 0, 0],
      ['4 % failing, not the newest', (t, b) => calls(t, b, 100, (i) => i < 4), 'healthy', 0.04, 0],
      ['exactly 5 % failing', (t, b) => calls(t, b, 100, (i) => i < 5), 'degraded', 0.05, 0],
      ['only the newest failed', (t, b) => calls(t, b, 100, (i) => i === 99), 'healthy', 0.01, 1],
      ['24 % failing', (t, b) => calls(t, b, 100, (i) => i % 25 < 6 && i < 96), 'degraded', 0.24, 0],
      ['exactly 25 % failing', (t, b) => calls(t, b, 100, (i) => i % 4 === 0), 'unhealthy', 0.25, 0],
      ['4 in a row at 2 %', (t, b) => calls(t, b, 200, (i) => i >= 196), 'healthy', 0.02, 4],
      ['1 of 5 failing (too few to judge)', (t, b) => calls(t, b, 5, (i) => i === 4), 'healthy', 0.2, 1],
      ['19 of 19 failing (too few, but 5 in a row)', (t, b) => calls(t, b, 19, () => true), 'unhealthy', 1, 19],
      ['5 of 20 failing, the oldest', (t, b) => calls(t, b, 20, (i) => i < 5), 'unhealthy', 0.25, 0],
      ['5 in a row at 2.5 %', (t, b) => calls(t, b, 200, (i) => i >= 195), 'unhealthy', 0.025, 5],
      [
        'failures only before the window',
        (t, b) => {
          calls(t, b, 50, () => true, 5 * MIN, 20 * MIN);
          calls(t, b, 20, () => false);
        },
        'healthy',
        0,
        0,
      ],
      ['last operation 20 minutes ago', (t, b) => calls(t, b, 10, () => true, MIN, 20 * MIN), 'idle', 0, 10],
    ];

    for (const [name, setup, expected, rate, run] of CASES) {
      it(`${name} → ${expected}`, async () => {
        const t = await open();
        try {
          setup(t, 'b');
          const s = await status(t, 'b');
          expect(s.healthStatus).toBe(expected);
          expect(s.errorRate).toBeCloseTo(rate, 12);
          expect(s.consecutiveFailures).toBe(run);
        } finally {
          await t.close();
        }
      });
    }

    it('thresholds are settable', async () => {
      const t = await open({
        degradedErrorRate: 0.39,
        unhealthyErrorRate: 0.9,
        unhealthyConsecutiveFailures: 50,
        windowMs: 30 * MIN,
        minOperations: 101,
      });
      try {
        calls(t, 'b', 100, (i) => i >= 60, 25 * MIN); // 40 % failing, the newest 40 in a row
        expect((await status(t, 'b')).healthStatus).toBe('healthy'); // 100 operations: below the minimum of 101
        calls(t, 'b', 1, () => false, 0);
        const s = await status(t, 'b');
        expect(s.healthStatus).toBe('degraded'); // 40 of 101 >= 39 %
        expect(s.healthReason).toBe('40 of 101 calls failed in the last 30 min.');
        expect(s.errorRate).toBeCloseTo(40 / 101, 12);
        expect(DEFAULT_HEALTH.windowMs).toBe(15 * MIN);
      } finally {
        await t.close();
      }
    });

    it('counts an instrumented S3 put (API call, upload bytes, stored bytes) as one operation', async () => {
      const t = await open();
      try {
        // 30 puts as the S3 adapter records them: bytes first, the call's outcome last; the 10th put failed
        // after its bytes went out, so it wrote an upload but no storage change.
        for (let i = 0; i < 30; i++) {
          const ts = NOW - (30 - i) * SEC;
          const failed = i === 9;
          t.trackBandwidthUpload('b', 's3', 1000, { timestamp: ts });
          if (!failed) t.trackStorageUsage('b', 's3', 1000, { timestamp: ts });
          t.trackApiCall('b', 's3', { timestamp: ts, success: !failed });
        }
        const s = await status(t, 'b');
        expect(s.errorRate).toBeCloseTo(1 / 30, 12); // one failed call of 30, not 1 event of 89
        expect(s.healthStatus).toBe('healthy');
        expect(s.healthReason).toBe('1 of 30 calls failed in the last 15 min.');
      } finally {
        await t.close();
      }
    });

    it("counts failures in a row per operation: a failing call's bytes (same operationId) neither reset nor repeat it", async () => {
      const t = await open();
      try {
        // Five GETs as the adapters record them: a partial download that succeeded as bytes, then the failed
        // call, both under the call's operationId. The bytes must not reset the run, nor a failed bytes event
        // count the failure twice.
        for (let i = 0; i < 5; i++) {
          const ts = NOW - (10 - i) * SEC;
          const operationId = `op-${i}`;
          t.trackBandwidthDownload('b', 's3', 100, { timestamp: ts, operationId });
          t.trackBandwidthUpload('b', 's3', 10, { timestamp: ts, operationId, success: i !== 4 });
          t.trackApiCall('b', 's3', { timestamp: ts, operationId, success: false });
        }
        let s = await status(t, 'b');
        expect(s.consecutiveFailures).toBe(5);
        expect(s.healthStatus).toBe('unhealthy');
        // An event recorded on its own is an operation: a successful one ends the run.
        t.trackBandwidthDownload('b', 's3', 1, { timestamp: NOW - 4 * SEC });
        s = await status(t, 'b');
        expect(s.consecutiveFailures).toBe(0);
      } finally {
        await t.close();
      }
    });

    it('counts each event as an operation where no call succeeded (wrappers record only failures as calls)', async () => {
      const t = await open();
      try {
        for (let i = 0; i < 19; i++)
          t.trackBandwidthDownload('b', 'huggingface', 10, { timestamp: NOW - (i + 2) * SEC });
        t.trackApiCall('b', 'huggingface', { timestamp: NOW - SEC, success: false });
        const s = await status(t, 'b');
        expect(s.errorRate).toBeCloseTo(1 / 20, 12);
        expect(s.healthStatus).toBe('degraded');
        expect(s.healthReason).toBe('1 of 20 calls failed in the last 15 min.');
      } finally {
        await t.close();
      }
    });

    it('a single failure at low volume does not flap to degraded, and says why', async () => {
      const t = await open();
      try {
        calls(t, 'b', 3, () => false, MIN, 2 * MIN);
        t.trackApiCall('b', 's3', { timestamp: NOW - 30 * SEC, success: false });
        const failed = await status(t, 'b');
        expect(failed.healthStatus).toBe('healthy');
        expect(failed.consecutiveFailures).toBe(1);
        expect(failed.healthReason).toBe(
          '1 of 4 calls failed in the last 15 min: too few to judge (at least 20 needed).',
        );
        t.trackApiCall('b', 's3', { timestamp: NOW - 10 * SEC });
        expect((await status(t, 'b')).healthStatus).toBe('healthy');
      } finally {
        await t.close();
      }
    });

    it('says why when idle and when calls fail in a row', async () => {
      const t = await open();
      try {
        calls(t, 'old', 3, () => false, MIN, 20 * MIN);
        calls(t, 'down', 6, () => true);
        const all = await t.getBackendStatus();
        expect(all.old?.healthReason).toBe('No calls in the last 15 min.');
        expect(all.down?.healthReason).toBe('The last 6 calls failed; 6 of 6 calls failed in the last 15 min.');
        expect(all.down?.healthStatus).toBe('unhealthy');
      } finally {
        await t.close();
      }
    });

    it('is active while the newest event is at most 5 minutes old', async () => {
      const t = await open();
      try {
        t.trackApiCall('fresh', 's3', { timestamp: NOW - 5 * MIN });
        t.trackApiCall('stale', 's3', { timestamp: NOW - 5 * MIN - 1 });
        const all = await t.getBackendStatus();
        expect(all.fresh?.isActive).toBe(true);
        expect(all.stale?.isActive).toBe(false);
        expect(all.fresh?.lastOperationAt).toBe(new Date(NOW - 5 * MIN).toISOString());
        expect(all.stale?.healthStatus).toBe('healthy'); // inactive, yet inside the 15-minute window
        expect(await t.getBackendStatus('nobody')).toEqual({});
      } finally {
        await t.close();
      }
    });
  });

  describe('bandwidth now', () => {
    it('is the bits moved in the last 60 s over 60 s, in 10^6 bits per second', async () => {
      const t = await open();
      try {
        // 7.5 MB up and 3.75 MB down inside the 60 s ending with the current millisecond (now - 60 s, now]:
        // 60 and 30 million bits over 60 s.
        t.trackBandwidthUpload('b', 's3', 5_000_000, { timestamp: NOW - 60 * SEC + 1 }); // first instant in
        t.trackBandwidthUpload('b', 's3', 2_500_000, { timestamp: NOW }); // recorded in the very millisecond of the read
        t.trackBandwidthDownload('b', 's3', 3_750_000, { timestamp: NOW - 30 * SEC - 7 });
        // Outside: just before the window, just after now, and other resources.
        t.trackBandwidthUpload('b', 's3', 999_999_999, { timestamp: NOW - 60 * SEC });
        t.trackBandwidthDownload('b', 's3', 888_888_888, { timestamp: NOW + 1 });
        t.trackStorageUsage('b', 's3', 123_456_789, { timestamp: NOW - 10 * SEC });
        t.trackApiCall('b', 's3', { timestamp: NOW - 10 * SEC });
        // Another backend's traffic is its own.
        t.trackBandwidthUpload('other', 'ipfs', 750_000, { timestamp: NOW - 5 * SEC });
        const all = await t.getBackendStatus();
        expect(all.b).toMatchObject({
          currentUploadMbps: 1,
          currentDownloadMbps: 0.5,
          currentBandwidthUsageMbps: 1.5,
          currentStorageUsageBytes: 123_456_789,
          currentStorageUsageGb: 123_456_789 / 2 ** 30,
          isActive: true,
          backendType: 's3',
        });
        expect(all.other?.currentBandwidthUsageMbps).toBe(0.1);
        expect(all.other?.currentDownloadMbps).toBe(0);
      } finally {
        await t.close();
      }
    });

    it('is 0 for a backend without recent traffic', async () => {
      const t = await open();
      try {
        t.trackBandwidthUpload('b', 's3', 10_000_000, { timestamp: NOW - 2 * MIN });
        expect((await status(t, 'b')).currentBandwidthUsageMbps).toBe(0);
      } finally {
        await t.close();
      }
    });
  });
});
