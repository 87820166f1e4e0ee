import { describe, expect, it } from 'vitest';
import { type BudgetAlert, openResourceTracker } from '../src/index.js';
import { startWorker } from './support/spawn-worker.js';
import { describeEachDialect, newStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// Issue 12, "on time" for every write path: events written by ANOTHER process that cannot evaluate them
// itself — here one that calls process.exit() with events pending, written by the synchronous exit flush
// (SQLite) or its exit-writer child (PostgreSQL) — raise their alert in a long-running tracker within 5 s,
// not at its next full pass (a minute).

describeEachDialect('budgets on time', () => {
  describe("another process's exit write", { timeout: 60_000 }, () => {
    it('raises the alert in a long-running tracker within 5 s of the commit', async () => {
      const store = await newStore('exit-write');
      const b = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
      const raised: { alert: BudgetAlert; at: number }[] = [];
      b.onBudgetAlert((alert) => raised.push({ alert, at: Date.now() }));
      try {
        // The worker uploads 1 + 2 + … + 700 = 245 350 bytes to shared-bucket: past every threshold of 200 000.
        await b.setBudget({ name: 'uploads', backend: 'shared-bucket', metric: 'bandwidth_upload', limit: 200_000 });
        // A budget of another backend, also past its line once written: this write is not its business.
        await b.setBudget({ name: 'other', backend: 'other-bucket', metric: 'bandwidth_upload', limit: 1 });
        expect(raised).toEqual([]);
        const worker = startWorker({
          store,
          worker: 1,
          own: 700,
          shared: 0,
          anonymous: 0,
          mode: 'exit-explicit',
          awaitReady: true,
        });
        await worker.done;
        const exitedAt = Date.now();
        const until = exitedAt + 5_000;
        while (raised.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
        // The month-end forecast is past the limit too (alertOnForecast defaults to true).
        expect(raised.map((r) => `${r.alert.budgetName}:${r.alert.kind}:${r.alert.threshold}`).sort()).toEqual([
          'uploads:actual:100',
          'uploads:actual:50',
          'uploads:actual:80',
          'uploads:forecast:100',
        ]);
        for (const r of raised) expect(r.at - exitedAt).toBeLessThan(5_000);
        expect(raised.find((r) => r.alert.kind === 'actual')!.alert.value).toBe((700 * 701) / 2);
      } finally {
        await b.close();
      }
    });

    it('a process that watches (the store has budgets) still ends: close() finishes, and no close() is needed', async () => {
      const store = await newStore('watch-ends');
      const t = openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });
      await t.setBudget({ name: 'calls', metric: 'api_calls', limit: 1_000_000 });
      await t.close();
      const plan = { store, own: 10, shared: 0, anonymous: 10 };
      // Awaits close() as its last step, after its watcher started (about a second after opening).
      const closing = startWorker({ ...plan, worker: 1, mode: 'concurrent' });
      await closing.waitFor('ready');
      await new Promise((r) => setTimeout(r, 1_500));
      closing.child.stdin!.end('go\n');
      const lines = await closing.done;
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ written: 30 });
      // Never closes: the event loop runs out with the LISTEN socket (PostgreSQL) still open.
      const natural = startWorker({ ...plan, worker: 2, mode: 'exit-natural', awaitReady: true });
      await natural.done;
    });
  });

  describe("another process's events stored in rollups only", { timeout: 60_000 }, () => {
    it('raise the alert in a watching tracker within 5 s, with no warning from the watcher, closing included', async () => {
      const DAY = 86_400_000;
      const MAY = Date.UTC(2026, 4, 1);
      const clock = fixedClock(MAY + 20 * DAY);
      const store = await newStore('rollups-only');
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      const common = { ...store, clock: clock.now, flushOnExit: false, deliverWebhooks: false, rawRetentionMs: DAY };
      const a = openResourceTracker(common);
      // The other process: it evaluates at most once an hour, and has just done so (its setBudget), so only
      // a's watcher can see its write in time.
      const b = openResourceTracker({ ...common, budgetCheckIntervalMs: 3_600_000 });
      const raised: BudgetAlert[] = [];
      a.onBudgetAlert((alert) => raised.push(alert));
      try {
        await a.setBudget({
          name: 'uploads',
          metric: 'bandwidth_upload',
          limit: 100,
          thresholds: [100],
          alertOnForecast: false,
        });
        await b.setBudget({ name: 'calls', metric: 'api_calls', limit: 1_000_000 });
        // The watcher looks at least once before the write (it starts within about a second).
        await new Promise((r) => setTimeout(r, 1_500));
        // In this billing month but older than the raw retention: stored in rollups only, no event row.
        b.trackBandwidthUpload('photos', 's3', 150, { timestamp: MAY + 2 * DAY });
        await b.flush();
        const writtenAt = Date.now();
        while (raised.length === 0 && Date.now() < writtenAt + 5_000) await new Promise((r) => setTimeout(r, 25));
        expect(raised.map((r) => `${r.budgetName}:${r.kind}:${r.threshold}`)).toEqual(['uploads:actual:100']);
      } finally {
        await a.close();
        await b.close();
        process.off('warning', onWarning);
      }
      expect(warnings.filter((w) => w.includes('bytemeter'))).toEqual([]);
    });
  });
});
