// The store test/budget-values.test.ts and test/budget-values-dialects.test.ts read budgets from: events from
// early March to a day past NOW in three backends (transfer, storage that grows and shrinks, calls of every
// class, reported cost), two price plans in their own zones, and budgets of every metric in four zones for
// every backend, one backend and a backend never seen.

import type { Runner } from '../../src/db/runner.js';
import type { ResourceTracker } from '../../src/index.js';
import type { Resolution } from '../../src/rollup/grains.js';

export const DAY = 86_400_000;
const GIB = 2 ** 30;
export const MARCH = Date.UTC(2026, 2, 1);
export const APRIL = Date.UTC(2026, 3, 1);
/** Now: mid-April, off every minute edge. */
export const NOW = Date.UTC(2026, 3, 16, 7, 31, 13, 7);

/** The tracker's budget parts the tests read through. */
export interface Internals {
  budgets: { parts: { db: never; runner: Runner; resolution(now: number): Resolution } };
}

/** Seeds the store (see above) through the tracker, flushed. */
export async function seedBudgets(t: ResourceTracker): Promise<void> {
  const backends = ['photos', 'disk', 'cdn'];
  for (const [i, backend] of backends.slice(0, 2).entries()) {
    await t.setPricePlan({
      backend,
      timezone: ['UTC', 'Asia/Kathmandu'][i]!,
      template: i === 0 ? 'aws-s3-standard-us-east-1' : 'cloudflare-r2-standard',
      prices: [{ resource: 'monthly_fee', tiers: [{ pricePerUnit: String(i + 2) }] }],
    });
  }
  // From early March to a day ahead of now, every 7h-ish: crosses each zone's month edge and the recent week.
  for (let k = 0; k < 160; k++) {
    const ts = MARCH + k * 7 * 3_600_000 + k * 61_001;
    const backend = backends[k % 3]!;
    t.trackBandwidthUpload(backend, 's3', Math.round((k + 1) * 0.05 * GIB), { timestamp: ts });
    t.trackBandwidthDownload(backend, 's3', Math.round((k + 2) * 0.07 * GIB), { timestamp: ts + 17 });
    // Mostly growing, sometimes shrinking (never below zero).
    t.trackStorageUsage(backend, 's3', k % 4 === 3 ? -(2 ** 20) : Math.round((k + 1) * 0.02 * GIB), {
      timestamp: ts + 1_234,
    });
    t.trackApiCall(backend, 's3', { timestamp: ts + 5, apiClass: (['a', 'b', 'free'] as const)[k % 3] });
    if (k % 4 === 0) t.trackApiCall(backend, 's3', { timestamp: ts + 9 });
    if (k % 5 === 0) t.trackCost(backend, 's3', 0.25, { timestamp: ts });
  }
  // Just either side of the UTC, Berlin and Kolkata month edges, and dated ahead of now.
  for (const ts of [APRIL - 5 * 3_600_000 - 1, APRIL - 3_600_000 + 1, APRIL - 1, APRIL, NOW + 3_600_000]) {
    t.trackBandwidthUpload('photos', 's3', 3 * GIB, { timestamp: ts });
    t.trackStorageUsage('disk', 's3', GIB, { timestamp: ts });
  }
  const flushed = await t.flush();
  if (flushed.error) throw flushed.error;
  const metrics = ['bandwidth_upload', 'bandwidth_download', 'api_calls', 'cost', 'storage_level'] as const;
  const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'];
  const owners = [null, 'photos', 'disk', 'cdn', 'never-seen'];
  let n = 0;
  for (const metric of metrics) {
    for (const [z, timezone] of zones.entries()) {
      for (const backend of owners.filter((_, i) => (i + z) % 2 === 0)) {
        await t.setBudget({ name: `b${n++}`, metric, backend, timezone, limit: 10 ** (6 + (n % 6)) });
      }
    }
  }
}
