import { expect, it } from 'vitest';
import { openResourceTracker, type ResourceTracker } from '../src/index.js';
import { describeEachDialect, newStore, queryStore, type StoreOptions } from './support/stores.js';

// Migration 0014: every batch that changes a backend's storage level keeps, in its transaction, the highest
// and lowest level the store held since a budget evaluation last consumed them, and which came last (what a
// storage quota is judged on, budgets/evaluate-plan.ts). No budget here: nothing consumes them.

const MIN = 60_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

const open = (store: StoreOptions): ResourceTracker =>
  openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });

async function extremes(store: StoreOptions): Promise<number[]> {
  const rows = await queryStore<Record<string, unknown>>(
    store,
    'select storage_level, level_high, level_low, level_low_after_high from backend_state',
  );
  expect(rows).toHaveLength(1);
  const r = rows[0]!;
  return [r.storage_level, r.level_high, r.level_low, r.level_low_after_high].map((v) => (v === null ? -1 : Number(v)));
}

describeEachDialect('storage level peaks', () => {
  it('each batch widens the extremes in the order it applies its levels; an overridden backdated report does not', async () => {
    const store = await newStore('peaks');
    const t = open(store);
    t.trackBandwidthUpload('d', 'local', 10, { timestamp: NOW - 11 * MIN });
    await t.flush();
    expect(await extremes(store)).toEqual([0, -1, -1, 0]); // no level changed: none kept
    t.setStorageLevel('d', 'local', 500, { timestamp: NOW - 10 * MIN });
    await t.flush();
    expect(await extremes(store)).toEqual([500, 500, 500, 0]);
    t.trackStorageUsage('d', 'local', 400, { timestamp: NOW - 9 * MIN });
    t.setStorageLevel('d', 'local', 200, { timestamp: NOW - 8 * MIN });
    t.trackStorageUsage('d', 'local', 400, { timestamp: NOW - 7 * MIN });
    await t.flush();
    // 900, 200, 600 held in turn: the lowest came after the highest.
    expect(await extremes(store)).toEqual([600, 900, 200, 1]);
    // Dated before the report at -8 min, which still says the level from then on: the level stays.
    t.setStorageLevel('d', 'local', 5000, { timestamp: NOW - 20 * MIN });
    await t.flush();
    expect(await extremes(store)).toEqual([600, 900, 200, 1]);
    t.setStorageLevel('d', 'local', 1000, { timestamp: NOW - 6 * MIN });
    await t.flush();
    expect(await extremes(store)).toEqual([1000, 1000, 200, 0]);
    await t.close();
  });
});
