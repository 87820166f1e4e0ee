import { afterEach, expect, it, vi } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// The natural-exit flush ('beforeExit') skips a tracker whose pending events did not change since it last
// flushed it there. Before, "did not change" was the same count, remembered for ever: events recorded after
// that flush wrote as many were the same count, and were left for the exit hook.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
let t: ResourceTracker | undefined;

afterEach(async () => {
  await t?.close().catch(() => {});
  t = undefined;
});

describeEachDialect('before-exit', () => {
  it('flushes events recorded after a natural-exit flush wrote as many', async () => {
    // No interval flush: only 'beforeExit' writes here.
    t = openResourceTracker({ ...(await newStore('again')), clock: () => NOW, flushIntervalMs: 3_600_000 });
    const tracker = t;
    await tracker.ready;
    const record = () => {
      tracker.trackApiCall('calls', 's3', { timestamp: NOW - 1000 });
      tracker.trackApiCall('calls', 's3', { timestamp: NOW - 900 });
    };
    record();
    process.emit('beforeExit', 0);
    await vi.waitFor(() => expect(tracker.pendingCount).toBe(0), { timeout: 5000 });
    record();
    process.emit('beforeExit', 0);
    await vi.waitFor(() => expect(tracker.pendingCount).toBe(0), { timeout: 5000 });
    expect(await tracker.flush()).toEqual({ written: 4, duplicates: 0 });
  });
});
