import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH,
  type HealthStatus,
  type HealthThresholds,
  openResourceTracker,
  type ResourceTracker,
} from '../src/index.js';

// Health, activity and bandwidth come from observed operations only, judged by the documented thresholds
// (src/query/health.ts): idle without operations in the window; unhealthy at an error rate >= 25 % or 5
// failures in a row; degraded at >= 5 % or when the newest operation failed; else healthy.

const SEC = 1000;
const MIN = 60 * SEC;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 30) + 250; // off every minute mark

function open(health?: Partial<HealthThresholds>) {
  return openResourceTracker({ path: ':memory:', clock: () => NOW, flushOnExit: false, ...(health ? { health } : {}) });
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

describe('health', () => {
  const CASES: [string, (t: ResourceTracker, b: string) => void, HealthStatus, number, number][] = [
    // name, setup, status, error rate, failures in a row
    ['no failures', (t, b) => calls(t, b, 100, () => false), 'healthy', 0, 0],
    ['4 % failing, not the newest', (t, b) => calls(t, b, 100, (i) => i < 4), 'healthy', 0.04, 0],
    ['exactly 5 % failing', (t, b) => calls(t, b, 100, (i) => i < 5), 'degraded', 0.05, 0],
    ['only the newest failed', (t, b) => calls(t, b, 100, (i) => i === 99), 'degraded', 0.01, 1],
    ['24 % failing', (t, b) => calls(t, b, 100, (i) => i % 25 < 6 && i < 96), 'degraded', 0.24, 0],
    ['exactly 25 % failing', (t, b) => calls(t, b, 100, (i) => i % 4 === 0), 'unhealthy', 0.25, 0],
    ['4 in a row at 2 %', (t, b) => calls(t, b, 200, (i) => i >= 196), 'degraded', 0.02, 4],
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
      const t = open();
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
    const t = open({
      degradedErrorRate: 0.5,
      unhealthyErrorRate: 0.9,
      unhealthyConsecutiveFailures: 50,
      windowMs: 30 * MIN,
    });
    try {
      calls(t, 'b', 100, (i) => i >= 60, 25 * MIN); // 40 % failing, the newest 40 in a row
      const s = await status(t, 'b');
      expect(s.healthStatus).toBe('degraded'); // below 50 %, but the newest failed
      expect(s.errorRate).toBeCloseTo(0.4, 12);
      expect(DEFAULT_HEALTH.windowMs).toBe(15 * MIN);
    } finally {
      await t.close();
    }
  });

  it('is active while the newest event is at most 5 minutes old', async () => {
    const t = open();
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
    const t = open();
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
    const t = open();
    try {
      t.trackBandwidthUpload('b', 's3', 10_000_000, { timestamp: NOW - 2 * MIN });
      expect((await status(t, 'b')).currentBandwidthUsageMbps).toBe(0);
    } finally {
      await t.close();
    }
  });
});
