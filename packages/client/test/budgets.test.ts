import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import { type BudgetAlert, type BytemeterClient, createBytemeterClient, GraphQLRequestError } from '../src/index.js';

// Budgets through the SDK against the built API process: typed methods, the secret shown once, bad input as a
// typed error, and the typed budgetAlertRaised feed (SSE and WebSocket) delivering an alert that another
// process's tracker raised on the same database file.

describe('budgets through the client', () => {
  let api: ApiProcess;
  let client: BytemeterClient;

  beforeAll(async () => {
    api = await startApiProcess();
    client = createBytemeterClient({ url: api.url, webSocketImpl: WebSocket });
  });
  afterAll(async () => {
    await client?.close();
    await api?.stop();
  });

  it('sets, reads and deletes a budget; the webhook secret comes once', async () => {
    const saved = await client.setBudget({
      name: 'archive quota',
      backend: 'archive',
      metric: 'STORAGE_LEVEL',
      limit: 2 ** 30,
      thresholds: [80, 100],
      webhookUrl: 'http://127.0.0.1:9/hook',
    });
    expectTypeOf(saved.metric).toEqualTypeOf<
      'COST' | 'BANDWIDTH_UPLOAD' | 'BANDWIDTH_DOWNLOAD' | 'API_CALLS' | 'STORAGE_LEVEL'
    >();
    expectTypeOf(saved.webhookSecret).toEqualTypeOf<string | null>();
    expect(saved).toMatchObject({ name: 'archive quota', metric: 'STORAGE_LEVEL', forecast: null, current: 0 });
    expect(saved.webhookSecret).toMatch(/^whsec_/);
    const { webhookSecret: _secret, ...state } = saved;
    expect(await client.getBudgets()).toEqual([state]);
    await expect(client.setBudget({ name: 'bad', metric: 'COST', limit: 1, thresholds: [0] })).rejects.toBeInstanceOf(
      GraphQLRequestError,
    );
    expect(await client.deleteBudget(saved.id)).toBe(true);
    expect(await client.getBudgets()).toEqual([]);
  });

  it("rotates a budget's webhook secret: the new one comes once, typed; an unknown id is a typed error", async () => {
    const saved = await client.setBudget({
      name: 'rotating',
      metric: 'API_CALLS',
      limit: 10,
      webhookUrl: 'http://127.0.0.1:9/hook',
    });
    const rotated = await client.rotateBudgetWebhookSecret(saved.id);
    expectTypeOf(rotated.webhookSecret).toEqualTypeOf<string | null>();
    expect(rotated).toMatchObject({ id: saved.id, name: 'rotating', metric: 'API_CALLS' });
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(saved.webhookSecret);
    expect((await client.getBudgets()).find((b) => b.id === saved.id)).not.toHaveProperty('webhookSecret');
    const error = await client.rotateBudgetWebhookSecret('bud_unknown').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ graphqlCode: 'BAD_USER_INPUT', trackerCode: 'INVALID_BUDGET' });
    expect(await client.deleteBudget(saved.id)).toBe(true);
  });

  it.each(['sse', 'ws'] as const)(
    'subscribeBudgetAlerts over %s yields an alert another process raised, typed',
    async (transport) => {
      const feed = client.subscribeBudgetAlerts({ transport });
      const next = feed.next();
      const other = openResourceTracker({ path: api.dbPath, flushOnExit: false });
      try {
        // When the server's feed starts is not observable from here: each round raises a fresh alert (a new
        // budget crossed by another process) until one arrives; the first round normally does.
        const budgets = new Map<string, number>();
        let step: IteratorResult<BudgetAlert, undefined> | 'waiting' = 'waiting';
        for (let round = 0; step === 'waiting' && round < 8; round++) {
          const backend = `alerts-${transport}-${round}`;
          const budget = await client.setBudget({
            name: `uploads ${transport} ${round}`,
            backend,
            metric: 'BANDWIDTH_UPLOAD',
            limit: 100,
            thresholds: [100],
            alertOnForecast: false,
          });
          budgets.set(budget.id, round);
          other.trackBandwidthUpload(backend, 's3', 150);
          await other.flush();
          step = await Promise.race([next, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 2500))]);
        }
        if (step === 'waiting' || step.done) throw new Error('no alert arrived');
        const alert = step.value;
        expectTypeOf(alert.kind).toEqualTypeOf<'ACTUAL' | 'FORECAST'>();
        expect(budgets.has(alert.budgetId)).toBe(true);
        expect(alert).toMatchObject({ kind: 'ACTUAL', threshold: 100, value: 150, limit: 100 });
        expect((await client.getBudgetAlerts(50)).map((a) => a.id)).toContain(alert.id);
      } finally {
        await feed.return();
        await other.close();
      }
    },
  );
});
