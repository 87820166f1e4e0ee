import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { eventually } from './support/eventually.js';
import {
  DIALECTS,
  describeEachDialect,
  newStore,
  queryStore,
  type StoreOptions,
  testStores,
} from './support/stores.js';

// Issue 12, storage quotas judged on every level that landed, not only on the level an evaluation reads:
// each backend's highest and lowest level since the evaluator last consumed them are kept by the writes
// (backend_state.level_high/level_low, migration 0014) and consumed by the evaluation that judges them.

const open = (store: StoreOptions): ResourceTracker =>
  openResourceTracker({ ...store, flushOnExit: false, deliverWebhooks: false });

const evaluateNow = (t: ResourceTracker) =>
  (t as unknown as { budgets: { evaluator: { evaluateNow(): Promise<unknown> } } }).budgets.evaluator.evaluateNow();

/** Sets these levels of `disk` in order, in one batch (one flush). */
async function levels(t: ResourceTracker, ...bytes: number[]): Promise<void> {
  for (const b of bytes) t.setStorageLevel('disk', 'local', b);
  await t.flush();
}

const alertValues = async (t: ResourceTracker) =>
  (await t.getBudgetAlerts({ first: 100 })).map((a) => [a.budgetId, a.threshold, a.value]).reverse();

const quota = { name: 'quota', backend: 'disk', metric: 'storage_level' as const, limit: 1000, thresholds: [80] };

describeEachDialect('budget quota peaks', () => {
  it('a spike above a threshold replaced within one flush raises the alert (default intervals, within 5 s)', async () => {
    const store = await newStore('spike');
    const t = open(store);
    const { budget } = await t.setBudget(quota);
    // Over every backend: a sum's peak is not kept, its level now (500 + 0) is judged.
    await t.setBudget({ ...quota, name: 'all', backend: null, limit: 600, thresholds: [100] });
    await levels(t, 950, 500);
    await eventually(async () => (await t.getBudgetAlerts()).length > 0, 5000);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 950]]);
    // Consumed in the evaluation's transaction.
    const [state] = await queryStore<{ level_high: unknown; level_low: unknown }>(
      store,
      'select level_high, level_low from backend_state',
    );
    expect(state).toEqual({ level_high: null, level_low: null });
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 950]]);
    await t.close();
  });

  it('a dip below the re-arm line replaced before the next evaluation re-arms; the next crossing alerts again', async () => {
    const t = open(await newStore('dip'));
    const { budget } = await t.setBudget(quota);
    await levels(t, 850);
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 850]]);
    // Down to 70% and back to 79%: re-armed, nothing due yet; then 81%: the second alert.
    await levels(t, 700, 790);
    await evaluateNow(t);
    expect((await t.getBudgetAlerts()).length).toBe(1);
    await levels(t, 810);
    await evaluateNow(t);
    // Down and up again past the line before one evaluation: re-armed and crossed, a third.
    await levels(t, 600, 900, 790);
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([
      [budget.id, 80, 850],
      [budget.id, 80, 810],
      [budget.id, 80, 900],
    ]);
    await t.close();
  });

  it('wobbling across 80% twenty times without an evaluation per flush alerts once; below 75% and up, twice', async () => {
    const t = open(await newStore('wobble'));
    const { budget } = await t.setBudget(quota);
    for (let i = 0; i < 20; i++) {
      await levels(t, 810);
      await levels(t, 790);
    }
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 810]]);
    await levels(t, 760, 820); // 76%: not re-armed
    await evaluateNow(t);
    expect((await t.getBudgetAlerts()).length).toBe(1);
    await levels(t, 740, 805); // 74%, then over the line again: one flush
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([
      [budget.id, 80, 810],
      [budget.id, 80, 805],
    ]);
    await t.close();
  });

  it('two trackers evaluating the same landed levels at once raise each alert once', async () => {
    const store = await newStore('two');
    const a = open(store);
    const b = open(store);
    const { budget } = await a.setBudget({ ...quota, thresholds: [50, 80] });
    await Promise.all([evaluateNow(a), evaluateNow(b)]);
    for (let round = 0; round < 3; round++) {
      // Over both lines and back under the re-arm lines, in one batch of one tracker.
      await levels(round % 2 === 0 ? a : b, 950, 100);
      await Promise.all([evaluateNow(a), evaluateNow(b), evaluateNow(a), evaluateNow(b)]);
      expect((await a.getBudgetAlerts({ first: 100 })).length).toBe(2 * (round + 1));
    }
    // Level 100 is under both re-arm lines: each threshold fired once per round, at its own generation.
    const alerts = await a.getBudgetAlerts({ first: 100 });
    expect(alerts.every((x) => x.budgetId === budget.id && x.value === 950)).toBe(true);
    expect(alerts.map((x) => x.threshold).sort()).toEqual([50, 50, 50, 80, 80, 80]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a quota set after a peak is judged on the level now, not on what landed before it existed', async () => {
    const t = open(await newStore('before'));
    await levels(t, 990, 100);
    await t.setBudget(quota);
    await evaluateNow(t);
    expect(await t.getBudgetAlerts()).toEqual([]);
    await levels(t, 900, 100);
    await evaluateNow(t);
    expect((await t.getBudgetAlerts()).map((a) => a.value)).toEqual([900]);
    await t.close();
  });
});

describeEachDialect('budget quota peaks, thresholds added', () => {
  it('a threshold added to a quota is judged on the level now; the thresholds it had still on the extremes', async () => {
    // Only the evaluations this test runs (setBudget runs one): none between the flush and the edit.
    const store = await newStore('added');
    const t = openResourceTracker({
      ...store,
      flushOnExit: false,
      deliverWebhooks: false,
      budgetCheckIntervalMs: 600_000,
    });
    const { budget } = await t.setBudget(quota);
    await levels(t, 950, 100);
    await t.setBudget({ ...quota, id: budget.id, thresholds: [50, 80] });
    // The edit kept the revision: the 80% arm row (and what it was judged against) stays.
    expect((await queryStore(store, 'select revision from budgets')).map((r) => Number(r.revision))).toEqual([1]);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 950]]);
    await levels(t, 600, 100);
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([
      [budget.id, 80, 950],
      [budget.id, 50, 600],
    ]);
    await t.close();
  });
});

function openDb(store: StoreOptions): Kysely<any> {
  return (store.databaseUrl ? openPostgres(store.databaseUrl) : openSqlite(store.path!, 5000)).db;
}

const BEFORE_0014 = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0014-level-peaks') - 1]!;

describe.each(DIALECTS)('migration 0014 (%s)', (dialect) => {
  const stores = testStores(dialect, 'migration-0014');

  it('adds empty extremes to existing backend_state rows; the store then keeps and judges them', async () => {
    const store = await stores('existing');
    const db = openDb(store);
    try {
      expect(MIGRATION_NAMES).toContain('0014-level-peaks');
      expect((await migrateTo(db, BEFORE_0014)).error).toBeUndefined();
      await sql`insert into backends (id, name, type, created_at) values (1, 'disk', 'local', 1000)`.execute(db);
      await sql`insert into backend_state (backend_id, storage_level, last_event_at, consecutive_failures)
        values (1, 300, 1000, 0)`.execute(db);
      expect((await migrateToLatest(db)).error).toBeUndefined();
      const rows = await db.selectFrom('backend_state').selectAll().execute();
      expect(
        rows.map((r) => [Number(r.storage_level), r.level_high, r.level_low, Number(r.level_low_after_high)]),
      ).toEqual([[300, null, null, 0]]);
    } finally {
      await db.destroy();
    }
    const t = open(store);
    const { budget } = await t.setBudget(quota);
    await levels(t, 950, 300);
    await evaluateNow(t);
    expect(await alertValues(t)).toEqual([[budget.id, 80, 950]]);
    await t.close();
  });
});
