import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openResourceTracker, openTokenStore, type ResourceTracker, type TokenStore } from '@bytemeter/tracker';
import { createClient as createSseClient } from 'graphql-sse';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertFeed } from '../src/live/alert-feed.js';
import { type RunningApi, startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { type TestStore, testStore, type WireError } from './support/harness.js';
import { nextMatching } from './support/next-matching.js';
import { waitUntil } from './support/wait-until.js';

// Issue 12 over real HTTP: budgets set, read and deleted with admin and read tokens, bad input refused with
// typed errors that change nothing, the webhook secret shown once, and budgetAlertRaised delivering an alert
// raised by another tracker instance writing the same SQLite file (another process, as the application is).

const BUDGET_FIELDS =
  'id name backend metric limit timezone thresholds alertOnForecast webhookUrl current percentUsed forecast projectedFullAt webhookSecret';
const SET = `mutation Set($budget: BudgetInput!) { setBudget(budget: $budget) { ${BUDGET_FIELDS} } }`;
const LIST = `{ budgets { ${BUDGET_FIELDS} } }`;
const DELETE = 'mutation Delete($id: ID!) { deleteBudget(id: $id) }';
const ROTATE = `mutation Rotate($id: ID!) { rotateBudgetWebhookSecret(id: $id) { ${BUDGET_FIELDS} } }`;
const ALERTS =
  'query Alerts($first: Int) { budgetAlerts(first: $first) { id budgetId budgetName kind threshold value limit periodStart raisedAt } }';

interface Budget {
  id: string;
  name: string;
  backend: string | null;
  metric: string;
  limit: number;
  thresholds: number[];
  current: number;
  percentUsed: number;
  webhookSecret: string | null;
}
interface Alert {
  id: string;
  budgetId: string;
  budgetName: string;
  kind: string;
  threshold: number;
  value: number;
  limit: number;
}
interface Result<T> {
  status: number;
  data?: T | null;
  errors?: WireError[];
}

/** A webhook receiver on 127.0.0.1 answering 204 and keeping every request's raw body and headers. */
async function startReceiver() {
  const deliveries: { raw: string; headers: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      deliveries.push({ raw, headers: req.headers as Record<string, string> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A budget of API calls on its own backend, crossed by 2 calls, POSTing its alert to `webhookUrl`. */
const hookedBudget = (name: string, webhookUrl: string) => ({
  budget: { name, backend: name, metric: 'API_CALLS', limit: 2, thresholds: [100], alertOnForecast: false, webhookUrl },
});

describe('budgets over HTTP', () => {
  let db: TestStore;
  let api: RunningApi;
  let tokens: TokenStore;
  let admin: string;
  let reader: string;
  let ingest: string;

  beforeAll(async () => {
    db = await testStore('budgets');
    tokens = await openTokenStore(db.options);
    admin = (await tokens.create({ scopes: 'admin', name: 'admin' })).secret;
    reader = (await tokens.create({ scopes: 'read', name: 'read' })).secret;
    ingest = (await tokens.create({ scopes: 'ingest', name: 'ingest' })).secret;
    api = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
  });
  afterAll(async () => {
    await api?.close();
    await tokens?.close();
    db.cleanup();
  });

  async function gql<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<Result<T>> {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as { data?: T; errors?: WireError[] }) };
  }
  const codes = (r: Result<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);

  it('sets, lists, replaces and deletes budgets with the admin token; the webhook secret is shown once', async () => {
    const created = await gql<{ setBudget: Budget }>(
      SET,
      {
        budget: {
          name: 'photos egress',
          backend: 'photos',
          metric: 'BANDWIDTH_DOWNLOAD',
          limit: 10_000,
          webhookUrl: 'http://127.0.0.1:9/hook',
        },
      },
      admin,
    );
    expect(created.errors).toBeUndefined();
    const budget = created.data!.setBudget;
    expect(budget).toMatchObject({
      name: 'photos egress',
      backend: 'photos',
      metric: 'BANDWIDTH_DOWNLOAD',
      limit: 10_000,
      thresholds: [50, 80, 100],
      current: 0,
      percentUsed: 0,
    });
    expect(budget.webhookSecret).toMatch(/^whsec_/);

    // Read back with a read token: every field, but never the secret again.
    const listed = await gql<{ budgets: Budget[] }>(LIST, {}, reader);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.budgets).toEqual([{ ...budget, webhookSecret: null }]);

    // Replacing it keeps the secret it has: the answer does not repeat it.
    const replaced = await gql<{ setBudget: Budget }>(
      SET,
      {
        budget: {
          id: budget.id,
          name: 'photos egress',
          backend: 'photos',
          metric: 'BANDWIDTH_DOWNLOAD',
          limit: 20_000,
          thresholds: [90],
          webhookUrl: 'http://127.0.0.1:9/hook',
        },
      },
      admin,
    );
    expect(replaced.data!.setBudget).toMatchObject({
      id: budget.id,
      limit: 20_000,
      thresholds: [90],
      webhookSecret: null,
    });
    expect((await gql<{ budgets: Budget[] }>(LIST, {}, reader)).data!.budgets).toHaveLength(1);

    expect((await gql<{ deleteBudget: boolean }>(DELETE, { id: budget.id }, admin)).data).toEqual({
      deleteBudget: true,
    });
    expect((await gql<{ deleteBudget: boolean }>(DELETE, { id: budget.id }, admin)).data).toEqual({
      deleteBudget: false,
    });
    expect((await gql<{ budgets: Budget[] }>(LIST, {}, reader)).data!.budgets).toEqual([]);
  });

  it('refuses budget writes without the admin scope, and reads without a token', async () => {
    const input = { budget: { name: 'x', metric: 'COST', limit: 1_000_000 } };
    // A read token fails the check every mutation passes (ingest); an ingest token the budget's own (admin).
    for (const [token, scope] of [
      [reader, 'ingest'],
      [ingest, 'admin'],
    ] as const) {
      const r = await gql(SET, input, token);
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors?.[0]?.extensions?.requiredScope).toBe(scope);
    }
    const kept = await gql<{ setBudget: Budget }>(SET, input, admin);
    const id = kept.data!.setBudget.id;
    expect(codes(await gql(DELETE, { id }, reader))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(LIST, {}, null))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(ALERTS, {}, null))).toEqual(['UNAUTHENTICATED']);
    expect((await gql<{ budgets: Budget[] }>(LIST, {}, reader)).data!.budgets.map((b) => b.id)).toEqual([id]);
    expect((await gql(DELETE, { id }, admin)).data).toEqual({ deleteBudget: true });
  });

  it('refuses bad input with typed errors that change nothing', async () => {
    const before = await gql(LIST, {}, reader);
    const base = { name: 'bad', metric: 'COST', limit: 1_000_000 };
    const tracker = [
      { ...base, limit: 0 },
      { ...base, name: '' },
      { ...base, thresholds: [0] },
      { ...base, timezone: 'Mars/Olympus' },
      { ...base, webhookUrl: 'ftp://example.com/hook' },
    ];
    for (const budget of tracker) {
      const r = await gql(SET, { budget }, admin);
      expect(codes(r), JSON.stringify(budget)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions?.trackerCode, JSON.stringify(budget)).toMatch(/^INVALID_/);
    }
    // Refused by GraphQL itself: an unknown metric, a limit past 2^53, a fractional limit, a missing name.
    for (const budget of [
      { ...base, metric: 'EGRESS' },
      { ...base, limit: 2 ** 53 },
      { ...base, limit: 1.5 },
      { metric: 'COST', limit: 1 },
    ]) {
      expect(codes(await gql(SET, { budget }, admin)), JSON.stringify(budget)).toEqual(['BAD_USER_INPUT']);
    }
    expect(codes(await gql(ALERTS, { first: 0 }, reader))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(ALERTS, { first: 1001 }, reader))).toEqual(['BAD_USER_INPUT']);
    expect(await gql(LIST, {}, reader)).toEqual(before);
  });

  it('budgetAlertRaised delivers an alert raised by another tracker on the same file, once, and budgetAlerts keeps it', async () => {
    const set = await gql<{ setBudget: Budget }>(
      SET,
      {
        budget: {
          name: 'uploads',
          backend: 'elsewhere',
          metric: 'BANDWIDTH_UPLOAD',
          limit: 1000,
          thresholds: [50],
          alertOnForecast: false,
        },
      },
      admin,
    );
    expect(set.errors).toBeUndefined();
    const budgetId = set.data!.setBudget.id;

    const sse = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${reader}` } });
    const iterator = sse.iterate<{ budgetAlertRaised: Alert }>({
      query: 'subscription { budgetAlertRaised { id budgetId budgetName kind threshold value limit } }',
    });
    // Starts the stream, then waits until this process's shared poller runs before anything is written.
    const first = nextMatching(iterator, () => true, 15_000);
    await waitUntil(() => (api.live.ticker.computations.get(AlertFeed.KEY) ?? 0) > 0);

    let other: ResourceTracker | undefined;
    try {
      other = openResourceTracker({ ...db.options, flushOnExit: false });
      await other.ready;
      other.trackBandwidthUpload('elsewhere', 's3', 600);
      expect((await other.flush()).error).toBeUndefined();
      const { item } = await first;
      expect(item.data?.budgetAlertRaised).toMatchObject({
        budgetId,
        budgetName: 'uploads',
        kind: 'ACTUAL',
        threshold: 50,
        value: 600,
        limit: 1000,
      });
      const alertId = item.data!.budgetAlertRaised.id;

      // Once: more traffic under the next line raises nothing, so nothing else arrives.
      other.trackBandwidthUpload('elsewhere', 's3', 100);
      await other.flush();
      await expect(nextMatching(iterator, () => true, 2_500)).rejects.toThrow(/no matching item/);

      const history = await gql<{ budgetAlerts: Alert[] }>(ALERTS, { first: 10 }, reader);
      expect(history.data!.budgetAlerts.filter((a) => a.budgetId === budgetId).map((a) => a.id)).toEqual([alertId]);
    } finally {
      await iterator.return?.();
      sse.dispose();
      await other?.close();
    }
  });

  it("pushes the API's own alerts (raised by trackUsage in this process) once, not again from the poller", async () => {
    const set = await gql<{ setBudget: Budget }>(
      SET,
      {
        budget: {
          name: 'calls',
          backend: 'own',
          metric: 'API_CALLS',
          limit: 10,
          thresholds: [100],
          alertOnForecast: false,
        },
      },
      admin,
    );
    const budgetId = set.data!.setBudget.id;
    const sse = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: `Bearer ${reader}` } });
    const iterator = sse.iterate<{ budgetAlertRaised: Alert }>({
      query: 'subscription { budgetAlertRaised { id budgetId threshold } }',
    });
    try {
      const first = nextMatching(iterator, (r) => r.data?.budgetAlertRaised.budgetId === budgetId, 15_000);
      await waitUntil(() => (api.live.ticker.computations.get(AlertFeed.KEY) ?? 0) > 0);
      const r = await gql<{ trackUsage: { accepted: number } }>(
        'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }',
        { e: [{ backend: 'own', backendType: 'S3', resourceType: 'API_CALLS', amount: 10 }] },
        admin,
      );
      expect(r.data?.trackUsage.accepted).toBe(1);
      const { item } = await first;
      expect(item.data?.budgetAlertRaised).toMatchObject({ budgetId, threshold: 100 });
      // The poller reads the same alert from the database a second later; it is not delivered twice.
      await expect(nextMatching(iterator, () => true, 2_500)).rejects.toThrow(/no matching item/);
    } finally {
      await iterator.return?.();
      sse.dispose();
    }
  });

  it('serves 1,000 subscribers from one database poller: one read per tick, each alert to all of them once', async () => {
    const set = await gql<{ setBudget: Budget }>(
      SET,
      {
        budget: {
          name: 'fan-out',
          backend: 'fan',
          metric: 'API_CALLS',
          limit: 3,
          thresholds: [100],
          alertOnForecast: false,
        },
      },
      admin,
    );
    const budgetId = set.data!.setBudget.id;
    const before = api.live.ticker.computations.get(AlertFeed.KEY) ?? 0;
    const started = Date.now();
    const iterators = Array.from({ length: 1000 }, () => api.live.budgetAlerts()[Symbol.asyncIterator]());
    const firsts = iterators.map((it) => it.next());
    // However many subscribers, the feed holds one listener on the shared ticker.
    await waitUntil(() => api.live.ticker.listenerCounts()[AlertFeed.KEY] === 1);
    await waitUntil(() => (api.live.ticker.computations.get(AlertFeed.KEY) ?? 0) > before);
    const other = openResourceTracker({ ...db.options, flushOnExit: false });
    try {
      other.trackResourceUsage({ backend: 'fan', backendType: 's3', resourceType: 'api_calls', amount: 3 });
      await other.flush();
      const alerts = await Promise.all(firsts);
      expect(alerts.every((step) => !step.done && step.value.budgetId === budgetId)).toBe(true);
      const polls = (api.live.ticker.computations.get(AlertFeed.KEY) ?? 0) - before;
      // About one poll a second in all, never one per subscriber.
      expect(polls).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    } finally {
      await Promise.all(iterators.map((it) => it.return?.()));
      await other.close();
    }
    expect(api.live.ticker.listenerCounts()[AlertFeed.KEY]).toBeUndefined();
  });

  it('an alert raised through one API replica reaches subscribers of another on the same database', async () => {
    const replica = await startApiServer({ settings: { ...readSettings({}), port: 0, ...db.settings } });
    const sse = createSseClient({ url: `${replica.url}/graphql`, headers: { authorization: `Bearer ${reader}` } });
    const iterator = sse.iterate<{ budgetAlertRaised: Alert }>({
      query: 'subscription { budgetAlertRaised { id budgetId budgetName threshold } }',
    });
    try {
      const set = await gql<{ setBudget: Budget }>(
        SET,
        {
          budget: {
            name: 'replicas',
            backend: 'replicas',
            metric: 'BANDWIDTH_DOWNLOAD',
            limit: 100,
            thresholds: [100],
            alertOnForecast: false,
          },
        },
        admin,
      );
      const budgetId = set.data!.setBudget.id;
      const first = nextMatching(iterator, (r) => r.data?.budgetAlertRaised.budgetId === budgetId, 15_000);
      await waitUntil(() => (replica.live.ticker.computations.get(AlertFeed.KEY) ?? 0) > 0);
      // Written through the first API: its tracker raises the alert; the replica reads it from the database.
      const r = await gql<{ trackUsage: { accepted: number } }>(
        'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }',
        { e: [{ backend: 'replicas', backendType: 'S3', resourceType: 'BANDWIDTH_DOWNLOAD', amount: 150 }] },
        admin,
      );
      expect(r.data?.trackUsage.accepted).toBe(1);
      const { item } = await first;
      expect(item.data?.budgetAlertRaised).toMatchObject({ budgetId, budgetName: 'replicas', threshold: 100 });
    } finally {
      await iterator.return?.();
      sse.dispose();
      await replica.close();
    }
  });

  it("budgetAlerts shows each alert's webhook attempts as the receiver answered them", async () => {
    const receiver = await startReceiver();
    try {
      const set = await gql<{ setBudget: Budget }>(SET, hookedBudget('hooked', receiver.url), admin);
      const budgetId = set.data!.setBudget.id;
      await gql(
        'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }',
        { e: [{ backend: 'hooked', backendType: 'S3', resourceType: 'API_CALLS', amount: 2 }] },
        admin,
      );
      type Attempts = {
        budgetAlerts: {
          budgetId: string;
          webhookAttempts: { attempt: number; status: number | null; error: string | null; delivered: boolean }[];
        }[];
      };
      const attempts = async () =>
        (
          await gql<Attempts>(
            '{ budgetAlerts(first: 20) { budgetId webhookAttempts { attempt status error delivered } } }',
            {},
            reader,
          )
        ).data!.budgetAlerts.find((a) => a.budgetId === budgetId)?.webhookAttempts ?? [];
      const until = Date.now() + 10_000;
      while ((await attempts()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await attempts()).toEqual([{ attempt: 1, status: 204, error: null, delivered: true }]);
      expect(JSON.parse(receiver.deliveries[0]!.raw)).toMatchObject({
        type: 'budget.alert',
        data: { budgetId, threshold: 100 },
      });
      // An alert of a budget without a webhook has none.
      const plain = (
        await gql<Attempts>('{ budgetAlerts(first: 50) { budgetId webhookAttempts { attempt } } }', {}, reader)
      ).data!.budgetAlerts.filter((a) => a.budgetId !== budgetId);
      expect(plain.length).toBeGreaterThan(0);
      expect(plain.every((a) => a.webhookAttempts.length === 0)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('rotates a webhook secret with the admin token: shown once, deliveries verify with the new one (and the old one during the grace day)', async () => {
    const receiver = await startReceiver();
    const { url, deliveries } = receiver;
    try {
      const set = await gql<{ setBudget: Budget }>(SET, hookedBudget('rotated', url), admin);
      const { id, webhookSecret: first } = set.data!.setBudget;
      expect(first).toMatch(/^whsec_/);

      // Admin scope only; an unknown id or a budget without a webhook is bad input that changes nothing.
      for (const token of [reader, ingest]) expect(codes(await gql(ROTATE, { id }, token))).toEqual(['FORBIDDEN']);
      const plain = await gql<{ setBudget: Budget }>(
        SET,
        { budget: { name: 'no hook', metric: 'COST', limit: 1 } },
        admin,
      );
      for (const bad of ['bud_unknown', plain.data!.setBudget.id]) {
        const r = await gql(ROTATE, { id: bad }, admin);
        expect(codes(r), bad).toEqual(['BAD_USER_INPUT']);
        expect(r.errors?.[0]?.extensions?.trackerCode).toBe('INVALID_BUDGET');
      }
      await gql(DELETE, { id: plain.data!.setBudget.id }, admin);

      const rotated = await gql<{ rotateBudgetWebhookSecret: Budget }>(ROTATE, { id }, admin);
      expect(rotated.errors).toBeUndefined();
      const second = rotated.data!.rotateBudgetWebhookSecret.webhookSecret!;
      expect(second).toMatch(/^whsec_/);
      expect(second).not.toBe(first);
      expect(rotated.data!.rotateBudgetWebhookSecret).toMatchObject({ id, name: 'rotated', webhookUrl: url });
      const listed = (await gql<{ budgets: Budget[] }>(LIST, {}, reader)).data!.budgets.find((b) => b.id === id);
      expect(listed?.webhookSecret).toBeNull();

      await gql(
        'mutation($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }',
        { e: [{ backend: 'rotated', backendType: 'S3', resourceType: 'API_CALLS', amount: 2 }] },
        admin,
      );
      await waitUntil(() => deliveries.length > 0, 10_000);
      const [delivery] = deliveries;
      expect(new Webhook(second).verify(delivery!.raw, delivery!.headers)).toMatchObject({ data: { budgetId: id } });
      // Signed with the old secret too for a day after the rotation (two v1 signatures): a receiver that has
      // not switched yet still verifies; a secret that is neither does not.
      expect(new Webhook(first!).verify(delivery!.raw, delivery!.headers)).toMatchObject({ data: { budgetId: id } });
      const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      expect(() => new Webhook(other).verify(delivery!.raw, delivery!.headers)).toThrow();
    } finally {
      await receiver.close();
    }
  });
});
