import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { lockBudgetWrites } from '../src/budgets/budget-store.js';
import { liveBudgets } from '../src/budgets/evaluate-plan.js';
import type { Runner } from '../src/db/runner.js';
import type { Database } from '../src/db/schema.js';
import { type BudgetAlert, openResourceTracker, type ResourceTracker } from '../src/index.js';
import { queriesOf, sentDuring } from './support/pg-queries.js';
import { describeEachDialect, newStore, queryStore, type StoreOptions, writeStore } from './support/stores.js';
import { fixedClock } from './support/temp-db.js';

// A budget deleted and set again under its id is a new budget: its alerts are keyed by a revision above
// every one the id left alerts (kept as history) or arm rows of, so its crossings alert again instead of
// conflicting with the old budget's alerts. An evaluation that read the old budget raises nothing for the
// new one. On PostgreSQL every transaction that may raise an alert takes the budgets' lock before any row
// lock (one lock order: no deadlock between an evaluation with monthly alerts and one with a quota's only).

const DAY = 86_400_000;
const APRIL = Date.UTC(2026, 3, 1);

function open(store: StoreOptions, clock: () => number): ResourceTracker {
  return openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false, clock });
}

const upload = (bytes: number, ts: number) => ({
  backend: 'photos',
  backendType: 's3',
  resourceType: 'bandwidth_upload',
  amount: bytes,
  timestamp: ts,
});

/** The tracker's evaluator, to evaluate at once after a storage level is written. */
const evaluateNow = (t: ResourceTracker) =>
  (
    t as unknown as { budgets: { evaluator: { evaluateNow(): Promise<BudgetAlert[]> } } }
  ).budgets.evaluator.evaluateNow();

/** The tracker's database and runner, to run the evaluation's plans as an evaluation would. */
const parts = (t: ResourceTracker) =>
  (t as unknown as { budgets: { parts: { db: Kysely<Database>; runner: Runner } } }).budgets.parts;

const alertsOf = async (t: ResourceTracker, id: string) =>
  (await t.getBudgetAlerts({ first: 1000 }))
    .filter((a) => a.budgetId === id)
    .map((a) => [a.threshold, a.limit, a.value]);

const revisionOf = async (store: StoreOptions, id: string) =>
  Number(
    (await queryStore<{ revision: number }>(store, `select revision from budgets where id = '${id}'`))[0]!.revision,
  );

describeEachDialect('budgets set again under a deleted id', (dialect) => {
  describe('alerts of the new budget', () => {
    it('a monthly budget deleted and set again alerts again in the same month', async () => {
      const store = await newStore('monthly');
      const t = open(store, fixedClock(APRIL + 20 * DAY).now);
      const def = { id: 'egress', name: 'egress', metric: 'bandwidth_upload' as const, limit: 100, thresholds: [100] };
      await t.setBudget({ ...def, alertOnForecast: false });
      await t.ingestBatch([upload(100, APRIL + DAY)]);
      await evaluateNow(t);
      expect(await alertsOf(t, 'egress')).toEqual([[100, 100, 100]]);
      expect(await t.deleteBudget('egress')).toBe(true);
      // A new budget under the same id, a larger limit: not crossed yet, then crossed.
      await t.setBudget({ ...def, limit: 200, alertOnForecast: false });
      expect(await alertsOf(t, 'egress')).toHaveLength(1);
      await t.ingestBatch([upload(100, APRIL + 2 * DAY)]);
      await evaluateNow(t);
      expect(await alertsOf(t, 'egress')).toEqual([
        [100, 200, 200],
        [100, 100, 100],
      ]);
      expect(await revisionOf(store, 'egress')).toBe(2);
      // Set again as it was: a new budget too, already over its line, alerts at once.
      await t.deleteBudget('egress');
      await t.setBudget({ ...def, limit: 200, alertOnForecast: false });
      expect(await revisionOf(store, 'egress')).toBe(3);
      expect(await alertsOf(t, 'egress')).toHaveLength(3);
      await t.close();
    });

    it('a storage quota deleted and set again alerts again, and re-arms as a new one', async () => {
      const store = await newStore('quota');
      const t = open(store, fixedClock(APRIL + 20 * DAY).now);
      const q = {
        id: 'quota',
        name: 'q',
        backend: 'disk',
        metric: 'storage_level' as const,
        limit: 1000,
        thresholds: [80],
      };
      const level = async (bytes: number) => {
        t.setStorageLevel('disk', 'local', bytes);
        await t.flush();
        await evaluateNow(t);
      };
      await t.setBudget(q);
      await level(900);
      expect(await alertsOf(t, 'quota')).toEqual([[80, 1000, 900]]);
      await t.deleteBudget('quota');
      await t.setBudget({ ...q, limit: 1200 }); // 900 is 75%: not crossed
      expect(await alertsOf(t, 'quota')).toHaveLength(1);
      await level(1000); // 83%: crossed for the new quota
      expect(await alertsOf(t, 'quota')).toEqual([
        [80, 1200, 1000],
        [80, 1000, 900],
      ]);
      expect(await revisionOf(store, 'quota')).toBe(2);
      await level(850); // 71%, below 75%: re-armed
      await level(1000);
      expect(await alertsOf(t, 'quota')).toHaveLength(3);
      await t.close();
    });

    it('under the lock an evaluation reads the current definitions: a deleted budget is gone, one set again is the new one', async () => {
      const store = await newStore('stale');
      const clock = fixedClock(APRIL + 20 * DAY);
      const t = open(store, clock.now);
      const q = {
        id: 'quota',
        name: 'q',
        backend: 'disk',
        metric: 'storage_level' as const,
        limit: 100,
        thresholds: [80],
      };
      await t.setBudget(q);
      const { db, runner } = parts(t);
      const live = () =>
        runner.write(function* () {
          yield* lockBudgetWrites(db);
          return yield* liveBudgets(db, ['quota']);
        });
      expect((await live()).get('quota')?.limit).toBe(100);
      await t.deleteBudget('quota');
      expect([...(await live()).keys()]).toEqual([]);
      // Set again in the same ms: the old quota never alerted nor had arm rows, so its revision and its
      // creation time are the new one's too; only the definition tells them apart.
      await t.setBudget({ ...q, limit: 1000 });
      expect(await revisionOf(store, 'quota')).toBe(1);
      const current = (await live()).get('quota')!;
      expect([current.revision, current.limit, current.createdAt]).toEqual([1, 1000, APRIL + 20 * DAY]);
      await t.close();
    });
  });

  describe('an evaluation overtaken by a set or a delete between its read and its write', () => {
    /** Runs `between` once, after the next evaluation's read and before its write transaction. */
    const beforeNextWrite = (t: ResourceTracker, between: () => Promise<unknown>) => {
      const p = (t as unknown as { budgets: { evaluator: { parts: { runner: Runner } } } }).budgets.evaluator.parts;
      const inner = p.runner;
      let pending = true;
      p.runner = {
        ...inner,
        read: (plan) => inner.read(plan),
        write: async (plan) => {
          if (pending) {
            pending = false;
            await between();
          }
          return inner.write(plan);
        },
      } as Runner;
      return () => {
        p.runner = inner;
      };
    };

    it('deleted and set again in the same ms (an injected clock): the old budget raises nothing, the new one alerts at its line', async () => {
      const store = await newStore('same-ms');
      const clock = fixedClock(APRIL + 20 * DAY); // does not move: the re-created budget's created_at is the old one's
      const a = open(store, clock.now);
      const b = open(store, clock.now);
      const def = { id: 'x', name: 'x', metric: 'bandwidth_upload' as const, thresholds: [50], alertOnForecast: false };
      await a.setBudget({ ...def, limit: 100 });
      await a.ingestBatch([upload(60, APRIL + DAY)]); // 60% of the old limit, 6% of the new
      const restore = beforeNextWrite(a, async () => {
        await b.deleteBudget('x');
        await b.setBudget({ ...def, limit: 1000 });
      });
      expect(await evaluateNow(a)).toEqual([]);
      restore();
      expect(await revisionOf(store, 'x')).toBe(1);
      await a.ingestBatch([upload(540, APRIL + 2 * DAY)]); // 600 of 1000: the new budget's 50%
      expect((await evaluateNow(a)).map((x) => [x.threshold, x.limit, x.value])).toEqual([[50, 1000, 600]]);
      expect(await alertsOf(a, 'x')).toEqual([[50, 1000, 600]]);
      await a.close();
      await b.close();
    });

    it('edited under the same revision: a removed threshold raises nothing, the webhook goes to the new URL', async () => {
      const store = await newStore('edited');
      const clock = fixedClock(APRIL + 20 * DAY);
      const a = open(store, clock.now);
      const def = {
        id: 'x',
        name: 'x',
        metric: 'bandwidth_upload' as const,
        limit: 100,
        alertOnForecast: false,
      };
      await a.setBudget({ ...def, thresholds: [50, 90], webhookUrl: 'http://127.0.0.1:9/old' });
      await a.ingestBatch([upload(95, APRIL + DAY)]);
      // What a set of these fields writes (the revision stays), without a tracker evaluating after it.
      const restore = beforeNextWrite(a, () =>
        writeStore(store, `update budgets set thresholds = ?, webhook_url = ? where id = 'x'`, [
          '[90]',
          'http://127.0.0.1:9/new',
        ]),
      );
      await evaluateNow(a);
      restore();
      expect(await revisionOf(store, 'x')).toBe(1);
      expect(await alertsOf(a, 'x')).toEqual([[90, 100, 95]]);
      const urls = await queryStore<{ url: string }>(store, 'select url from webhook_deliveries');
      expect(urls.map((r) => r.url)).toEqual(['http://127.0.0.1:9/new']);
      await a.close();
    });
  });

  describe('at once', () => {
    it('two trackers setting and deleting one id at once: every call succeeds, each revision alerts once', async () => {
      const store = await newStore('at-once');
      const clock = fixedClock(APRIL + 20 * DAY);
      const a = open(store, clock.now);
      const b = open(store, clock.now);
      const def = { id: 'up', name: 'up', metric: 'bandwidth_upload' as const, limit: 100, thresholds: [50] };
      await a.ingestBatch([upload(60, APRIL + DAY)]); // over every limit's 50% line from the start
      // The revision stored at the end of each round, once evaluated (a revision replaced within its round
      // may have been deleted or redefined before any evaluation saw it: it need not alert).
      const evaluated = new Set<number>();
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          a.setBudget({ ...def, limit: 100 + round }),
          b.setBudget({ ...def, limit: 100 + round }),
          round % 2 === 1 ? b.deleteBudget('up') : Promise.resolve(true),
        ]);
        if ((await a.getBudgets()).length === 0) await a.setBudget({ ...def, limit: 100 + round });
        await evaluateNow(a);
        evaluated.add(await revisionOf(store, 'up'));
      }
      const final = await revisionOf(store, 'up');
      const rows = await queryStore<{ revision: number; n: number }>(
        store,
        "select revision, count(*) as n from budget_alerts where budget_id = 'up' group by revision order by revision",
      );
      const alerts = new Map(rows.map((r) => [Number(r.revision), Number(r.n)]));
      // Each revision evaluated while over its line alerted exactly once, the final one too; none above it.
      expect(evaluated.has(final)).toBe(true);
      expect(evaluated.size).toBeGreaterThanOrEqual(3); // the deletes (rounds 1, 3) made new budgets
      for (const revision of evaluated) expect([revision, alerts.get(revision)]).toEqual([revision, 1]);
      expect(Math.max(...alerts.keys())).toBe(final);
      await a.close();
      await b.close();
    });
  });

  describe.runIf(dialect === 'postgres')('lock order', () => {
    it('an evaluation with only a storage quota to alert takes the budgets lock before it locks arm rows', async () => {
      const store = await newStore('lock-order');
      const t = open(store, fixedClock(APRIL + 20 * DAY).now);
      await t.setBudget({ name: 'q', backend: 'disk', metric: 'storage_level', limit: 1000, thresholds: [80] });
      t.setStorageLevel('disk', 'local', 900);
      await t.flush();
      // The queries of the client that took the lock: every client of the process is seen, and another's
      // (the commit watcher's read of notified events, the pool's other connections) may come in between.
      const sent = queriesOf(await sentDuring(() => evaluateNow(t)), /pg_advisory_xact_lock/);
      const lock = sent.findIndex((text) => /pg_advisory_xact_lock/.test(text));
      const arms = sent.findIndex((text) => /budget_arms[\s\S]*for update/.test(text));
      expect(lock).toBeGreaterThanOrEqual(0);
      expect(arms).toBeGreaterThan(lock);
      // The lock is the write transaction's first statement.
      expect(sent[lock - 1]).toBe('begin isolation level read committed');
      expect(await alertsOf(t, (await t.getBudgets())[0]!.id)).toEqual([[80, 1000, 900]]);
      await t.close();
    });
  });
});
