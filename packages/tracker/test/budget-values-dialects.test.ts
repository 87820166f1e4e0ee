import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBudgets } from '../src/budgets/budget-store.js';
import { readBudgetValues } from '../src/budgets/budget-values.js';
import { type BudgetState, openResourceTracker, type ResourceTracker } from '../src/index.js';
import { APRIL, DAY, type Internals, MARCH, NOW, seedBudgets } from './support/budget-seed.js';
import { testStores } from './support/stores.js';

// Issue 12: PostgreSQL reads a budget's usage ledger in one statement of its own (every rollup part and the
// level before the first edge: src/pricing/ledger-parts-postgres.ts) where SQLite runs a flow and a storage
// query per grain and an aggregate. Both must answer the same, exactly: the same events in a SQLite file
// and a PostgreSQL database give the same budgets, cost reports and past months' values.

const SQL_TEXT = (args: unknown[]): string => {
  const first = args[0];
  if (typeof first === 'string') return first;
  return String((first as { text?: unknown } | null)?.text ?? '');
};

/** The statements a function sends through any `pg` client in this process. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    sent.push(SQL_TEXT(args));
    return query.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = query;
  }
  return sent;
}

const byName = (states: readonly BudgetState[]) =>
  Object.fromEntries(states.map(({ id: _, ...state }) => [state.name, state]));

describe('budget values on SQLite and PostgreSQL', () => {
  let sqlite: ResourceTracker;
  let postgres: ResourceTracker;
  const open = async (store: Promise<object>) =>
    openResourceTracker({
      ...(await store),
      clock: () => NOW,
      flushOnExit: false,
      deliverWebhooks: false,
      rawRetentionMs: 365 * DAY,
    });

  beforeAll(async () => {
    sqlite = await open(testStores('sqlite', 'budget-dialects')('same'));
    postgres = await open(testStores('postgres', 'budget-dialects')('same'));
    await seedBudgets(sqlite);
    await seedBudgets(postgres);
  });
  afterAll(async () => {
    await sqlite?.close();
    await postgres?.close();
  });

  it('answer every budget, cost report and past month the same, exactly', async () => {
    const states = await sqlite.getBudgets();
    expect(states.length).toBeGreaterThan(30);
    expect(states.some((s) => s.metric === 'cost' && s.current > 0 && s.forecast !== null)).toBe(true);
    expect(states.some((s) => s.projectedFullAt !== null)).toBe(true);
    expect(byName(await postgres.getBudgets())).toEqual(byName(states));

    for (const timezone of ['UTC', 'Asia/Kolkata', 'America/Los_Angeles']) {
      for (const at of [new Date(NOW), new Date(MARCH + 12 * DAY + 3_333)]) {
        const q = { period: 'month' as const, timezone, at };
        expect(await postgres.getCosts(q)).toEqual(await sqlite.getCosts(q));
      }
    }
    // One backend (the ledger read with a backend filter) and an explicit range with ragged ends.
    const ragged = { backend: 'disk', from: new Date(MARCH + 3 * DAY + 12_345), to: new Date(APRIL + 7_777) };
    expect(await postgres.getCosts(ragged)).toEqual(await sqlite.getCosts(ragged));

    // What a backfill evaluates: each budget's value in past months.
    const pastValues = async (t: ResourceTracker, at: number) => {
      const { db, runner, resolution } = (t as unknown as Internals).budgets.parts;
      const budgets = await runner.read(() => loadBudgets(db));
      const values = await runner.read(() => readBudgetValues(db, budgets, at, NOW, resolution(NOW)));
      return Object.fromEntries(budgets.map((b) => [b.name, values.get(b.id)]));
    };
    for (const at of [MARCH, APRIL - 1]) expect(await pastValues(postgres, at)).toEqual(await pastValues(sqlite, at));
  });

  it('PostgreSQL reads the rollups of every budget in one statement, with no SET LOCAL round trip', async () => {
    const sent = await statementsOf(() => postgres.getBudgets());
    expect(sent.filter((text) => /\brollups\b/.test(text))).toHaveLength(1);
    expect(sent.filter((text) => /^\s*set\b/i.test(text))).toEqual([]);
    // One transaction: budgets, backends and plans, the rollups, the raw events of the ragged edge.
    expect(sent.filter((text) => /^\s*begin\b/i.test(text))).toHaveLength(1);
    expect(sent.length).toBeLessThanOrEqual(6);
  });
});
