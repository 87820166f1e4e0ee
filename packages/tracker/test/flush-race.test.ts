import { afterEach, expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker, TotalLimitError } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// An interval flush that fired while an explicit flush was writing used to queue behind it and, once the
// caller had resumed, recorded and called flush() again, start first and take the caller's events: the
// caller's flush() reported nothing, and the interval flush's result (a refused event's error included) was
// thrown away. Measured on PostgreSQL with a 20 ms interval: 146 of 200 flushes missed their own event.

const MAX = Number.MAX_SAFE_INTEGER;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
let t: ResourceTracker | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

describeEachDialect('flush-race', () => {
  it('with a 20 ms interval, every flush() counts its own event and returns its refused event’s error', async () => {
    t = openResourceTracker({ ...(await newStore('loop')), clock: () => NOW, flushOnExit: false, flushIntervalMs: 20 });
    const missed: number[] = [];
    for (let i = 0; i < 200; i++) {
      t.trackApiCall('calls', 's3', { timestamp: NOW - 1000 + i });
      const flushed = await t.flush();
      if (flushed.written !== 1 || flushed.error) missed.push(i);
    }
    expect(missed).toEqual([]);

    // The upload total is at 2^53 - 1: every further upload is refused at flush, and flush() must say so.
    t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
    expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
    const unreported: number[] = [];
    for (let i = 0; i < 100; i++) {
      t.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 + i });
      const flushed = await t.flush();
      if (!(flushed.error instanceof TotalLimitError) || flushed.written !== 0) unreported.push(i);
    }
    expect(unreported).toEqual([]);
    const summary = await t.getResourceSummary({ from: new Date(NOW - 3_600_000), to: new Date(NOW + 1) });
    expect(summary.totals.bandwidthUpload).toBe(MAX);
    expect(summary.backends.calls?.resources.api_calls?.totalAmount).toBe(200);
  });

  it('what an interval flush writes or refuses with no caller is warned about and reported by the next flush()', async () => {
    const warnings: { code?: string; message: string }[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push({ code: w.code, message: w.message });
    process.on('warning', onWarning);
    try {
      t = openResourceTracker({
        ...(await newStore('timer')),
        clock: () => NOW,
        flushOnExit: false,
        flushIntervalMs: 20,
      });
      t.trackBandwidthUpload('big', 's3', MAX, { timestamp: NOW - 2000 });
      expect((await t.flush()).error).toBeUndefined();
      t.trackBandwidthUpload('big', 's3', 1, { timestamp: NOW - 1000 });
      t.trackApiCall('big', 's3', { timestamp: NOW - 1000 });
      // Only the timer can write these: wait until it has.
      while (t.pendingCount > 0) await new Promise((r) => setTimeout(r, 5));
      // The timer's write (and then its warning, emitted on a later tick) may still be under way: wait up
      // to 10 s for the warning rather than a fixed sleep a loaded machine can outlast.
      const deadline = Date.now() + 10_000;
      while (!warnings.some((w) => w.code === 'BYTEMETER_FLUSH_FAILED') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 50)); // a second warning would have shown by now
      expect(warnings.filter((w) => w.code === 'BYTEMETER_FLUSH_FAILED')).toHaveLength(1);
      expect(warnings.find((w) => w.code === 'BYTEMETER_FLUSH_FAILED')?.message).toMatch(/next flush\(\) reports it/);

      const flushed = await t.flush();
      expect(flushed.written).toBe(1);
      expect(flushed.error).toBeInstanceOf(TotalLimitError);
      // Reported once: the flush after it has nothing to say.
      expect(await t.flush()).toEqual({ written: 0, duplicates: 0 });
    } finally {
      process.off('warning', onWarning);
    }
  });
});
