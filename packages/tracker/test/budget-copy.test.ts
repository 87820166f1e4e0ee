import { describe, expect, it } from 'vitest';
import { copyStore, openResourceTracker } from '../src/index.js';
import { createTestDatabase } from './support/postgres.js';
import { countStoreRows } from './support/stores.js';
import { fixedClock, tempDbPaths } from './support/temp-db.js';

// `bytemeter copy` carries budgets (secrets included), the alert history, the quotas' armed state and the
// webhook outbox: on the new store the same budgets read the same, and an alert already raised is not raised again.

const DAY = 86_400_000;
const APRIL = Date.UTC(2026, 3, 1);
const paths = tempDbPaths('budget-copy');

describe('copyStore with budgets', () => {
  it('budgets, alerts, armed state and pending webhooks move; alerts stay once, new ones continue', async () => {
    const clock = fixedClock(APRIL + 10 * DAY);
    const path = paths('source.db');
    const options = { flushOnExit: false, deliverWebhooks: false, clock: clock.now } as const;
    const source = openResourceTracker({ path, ...options });
    const { budget } = await source.setBudget({
      name: 'calls',
      metric: 'api_calls',
      limit: 10,
      thresholds: [50, 100],
      alertOnForecast: false,
      webhookUrl: 'https://hooks.example.com/b',
    });
    await source.setBudget({ name: 'quota', backend: 'disk', metric: 'storage_level', limit: 100, thresholds: [80] });
    for (let i = 0; i < 5; i++) source.trackApiCall('b', 's3', { timestamp: APRIL + DAY });
    source.setStorageLevel('disk', 'local', 90, { timestamp: APRIL + DAY });
    await source.close();
    const before = openResourceTracker({ path, ...options });
    const budgets = await before.getBudgets();
    const alerts = await before.getBudgetAlerts();
    await before.close();
    expect(alerts.map((a) => a.threshold).sort()).toEqual([50, 80]);

    const url = await createTestDatabase('budget_copy');
    const result = await copyStore({ from: path, to: url });
    expect(result.tables).toMatchObject({ budgets: 2, budget_alerts: 2, budget_arms: 1, webhook_deliveries: 1 });

    const target = openResourceTracker({ databaseUrl: url, ...options, budgetCheckIntervalMs: 5 });
    expect(await target.getBudgets()).toEqual(budgets);
    expect(await target.getBudgetAlerts()).toEqual(alerts);
    // The 50% alert is not raised again; 100% is new and continues the alert sequence.
    for (let i = 0; i < 5; i++) target.trackApiCall('b', 's3', { timestamp: APRIL + DAY });
    target.setStorageLevel('disk', 'local', 95, { timestamp: APRIL + 2 * DAY });
    await target.flush();
    await target.close();
    const reopened = openResourceTracker({ databaseUrl: url, ...options });
    const after = await reopened.getBudgetAlerts();
    expect(after.map((a) => [a.budgetId, a.threshold])).toEqual([
      [budget.id, 100],
      ...alerts.map((a) => [a.budgetId, a.threshold]),
    ]);
    await reopened.close();
    expect(await countStoreRows({ databaseUrl: url }, 'webhook_deliveries')).toBe(2);
  });
});
