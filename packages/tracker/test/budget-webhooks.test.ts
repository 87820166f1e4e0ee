import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { nextAttempt, retryDelay } from '../src/budgets/webhook-outbox.js';
import {
  type BudgetAlertWebhookBody,
  DEFAULT_WEBHOOK_RETRY,
  openResourceTracker,
  type ResourceTracker,
  type TrackerOptions,
  ValidationError,
} from '../src/index.js';
import { eventually } from './support/eventually.js';
import { countStoreRows, describeEachDialect, newStore, queryStore, type StoreOptions } from './support/stores.js';

// Budget webhooks against a real HTTP receiver on 127.0.0.1 that verifies every request with the
// standardwebhooks package's own verifier, as a receiver would.

const FAST_RETRY = { initialDelayMs: 30, maxDelayMs: 100, pollIntervalMs: 50, leaseMs: 5000, timeoutMs: 2000 };

interface Received {
  id: string;
  verified: boolean;
  body: BudgetAlertWebhookBody | null;
  raw: string;
  headers: Record<string, string>;
}

/**
 * A receiver answering 500 to the first `failFirst` requests (and, with `strict`, to any it cannot verify,
 * as a real receiver refuses a bad signature), then 204; every request checked with Webhook.verify.
 */
async function receiver(secret: () => string | null, failFirst = 0, strict = false) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      let body: BudgetAlertWebhookBody | null = null;
      let verified = false;
      const key = secret();
      if (key) {
        try {
          body = new Webhook(key).verify(raw, req.headers as Record<string, string>) as BudgetAlertWebhookBody;
          verified = true;
        } catch {
          verified = false;
        }
      }
      const headers = req.headers as Record<string, string>;
      received.push({ id: String(req.headers['webhook-id']), verified, body, raw, headers });
      res.statusCode = received.length <= failFirst || (strict && !verified) ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/bytemeter`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const open = (store: StoreOptions, extra: TrackerOptions = {}): ResourceTracker =>
  openResourceTracker({ ...store, flushOnExit: false, webhookRetry: FAST_RETRY, budgetCheckIntervalMs: 20, ...extra });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('retry schedule', () => {
  it('the default schedule retries for at least an hour, doubling from 5 s up to 10 min', () => {
    const delays: number[] = [];
    let elapsed = 0;
    for (
      let failed = 1;
      elapsed + retryDelay(failed, DEFAULT_WEBHOOK_RETRY) <= DEFAULT_WEBHOOK_RETRY.giveUpAfterMs;
      failed++
    ) {
      delays.push(retryDelay(failed, DEFAULT_WEBHOOK_RETRY));
      elapsed += delays[delays.length - 1]!;
    }
    expect(delays.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(Math.max(...delays)).toBe(600_000);
    expect(elapsed).toBeGreaterThanOrEqual(3_600_000);
  });

  /** The start times of the attempts of a delivery whose every attempt fails, each made when due. */
  const attemptTimes = (retry: typeof DEFAULT_WEBHOOK_RETRY) => {
    const times = [0];
    for (let attempt = 1; ; attempt++) {
      const at = times.at(-1)!;
      const { state, next } = nextAttempt(
        { attempt, createdAt: 0 },
        { status: 500, error: 'HTTP 500', delivered: false },
        at,
        retry,
      );
      if (state === 'failed') return times;
      expect(state).toBe('pending');
      expect(next).toBeGreaterThan(at);
      times.push(next);
    }
  };

  it('the retries span the whole give-up window: the last starts at it, whatever the delays', () => {
    const hour = { ...DEFAULT_WEBHOOK_RETRY, giveUpAfterMs: 3_600_000 };
    // Default delays: 5 s doubling to 10 min, then every 10 min; the backoff alone would start the last at 50.6 min.
    const times = attemptTimes(hour);
    expect(times.at(-1)).toBe(3_600_000);
    expect(times.at(-2)).toBeLessThan(3_600_000);
    expect(times.slice(0, 4)).toEqual([0, 5_000, 15_000, 35_000]);
    // A first delay longer than the window: one retry, at its end (the backoff alone made none).
    expect(attemptTimes({ ...hour, initialDelayMs: 3_600_001, maxDelayMs: 3_600_001 })).toEqual([0, 3_600_000]);
    // The default day: the last retry at 24 h.
    expect(attemptTimes(DEFAULT_WEBHOOK_RETRY).at(-1)).toBe(24 * 3_600_000);
    // An attempt made late (a process was down): the next at the give-up time at the latest; none after it.
    const late = { attempt: 3, createdAt: 0 };
    const failing = { status: null, error: 'ECONNREFUSED', delivered: false };
    expect(nextAttempt(late, failing, 3_599_000, hour)).toEqual({ state: 'pending', next: 3_600_000 });
    expect(nextAttempt(late, failing, 3_600_000, hour).state).toBe('failed');
    expect(nextAttempt(late, failing, 7_200_000, hour).state).toBe('failed');
    expect(nextAttempt(late, { ...failing, final: true }, 0, hour).state).toBe('failed');
    expect(nextAttempt(late, { status: 204, error: null, delivered: true }, 3_600_000, hour).state).toBe('delivered');
  });

  it('a give-up under an hour, or a POST time limit over half the lease, is refused when the tracker opens', async () => {
    const opening = (webhookRetry: TrackerOptions['webhookRetry']) => () =>
      openResourceTracker({ path: ':memory:', flushOnExit: false, deliverWebhooks: false, webhookRetry });
    const refused: [TrackerOptions['webhookRetry'], string][] = [
      [{ giveUpAfterMs: 3_599_999 }, 'webhookRetry.giveUpAfterMs'],
      // An attempt outliving its lease could be claimed and sent again by another process meanwhile: the
      // POST's limit leaves half the lease to the writes around it.
      [{ timeoutMs: 60_000 }, 'webhookRetry.timeoutMs'],
      [{ timeoutMs: 30_001 }, 'webhookRetry.timeoutMs'],
      [{ leaseMs: 10_000 }, 'webhookRetry.timeoutMs'],
      [{ leaseMs: 19_999 }, 'webhookRetry.timeoutMs'],
      [{ leaseMs: 5_000, timeoutMs: 9_000 }, 'webhookRetry.timeoutMs'],
    ];
    for (const [retry, field] of refused) {
      expect(opening(retry)).toThrow(ValidationError);
      expect(opening(retry)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', field }));
    }
    for (const retry of [FAST_RETRY, { giveUpAfterMs: 3_600_000 }, { leaseMs: 20_000 }, { timeoutMs: 30_000 }]) {
      await opening(retry)().close();
    }
  });
});

describeEachDialect('budget webhooks', () => {
  describe('delivery', () => {
    it('signed per Standard Webhooks: a receiver failing the first 3 attempts gets the alert on the 4th; attempts recorded', async () => {
      let secret: string | null = null;
      const hook = await receiver(() => secret, 3);
      cleanups.push(hook.close);
      const t = open(await newStore('retry'));
      cleanups.push(() => t.close());
      const set = await t.setBudget({
        name: 'egress',
        metric: 'bandwidth_download',
        limit: 1000,
        thresholds: [100],
        alertOnForecast: false,
        webhookUrl: hook.url,
      });
      secret = set.webhookSecret;
      expect(secret).toMatch(/^whsec_/);
      // Shown once: setting the budget again keeps the secret and does not return it.
      const again = await t.setBudget({
        id: set.budget.id,
        name: 'egress',
        metric: 'bandwidth_download',
        limit: 1000,
        thresholds: [100],
        alertOnForecast: false,
        webhookUrl: hook.url,
      });
      expect(again.webhookSecret).toBeNull();

      t.trackBandwidthDownload('photos', 's3', 1000);
      await t.flush();
      await eventually(() => hook.received.length >= 4);
      const [alert] = await t.getBudgetAlerts();
      expect(alert).toBeDefined();
      // Every attempt carried the alert id and a valid signature; the 4th was accepted.
      expect(hook.received.map((r) => [r.id, r.verified])).toEqual(Array.from({ length: 4 }, () => [alert!.id, true]));
      expect(hook.received[3]!.body).toEqual({
        type: 'budget.alert',
        timestamp: alert!.raisedAt,
        data: { ...alert, metric: 'bandwidth_download', backend: null },
      });
      await eventually(async () => (await t.getWebhookAttempts(alert!.id)).length === 4);
      const attempts = await t.getWebhookAttempts(alert!.id);
      expect(attempts.map((a) => [a.attempt, a.status, a.delivered, a.error])).toEqual([
        [1, 500, false, 'HTTP 500'],
        [2, 500, false, 'HTTP 500'],
        [3, 500, false, 'HTTP 500'],
        [4, 204, true, null],
      ]);
      // Backoff: each retry waited at least the doubling delay.
      const at = attempts.map((a) => Date.parse(a.at));
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(60);
      // Delivered: nothing more is sent.
      await new Promise((r) => setTimeout(r, 300));
      expect(hook.received).toHaveLength(4);
    });

    it('a signature made with another secret fails verification (the receiver check is real)', async () => {
      const hook = await receiver(() => `whsec_${Buffer.alloc(32, 7).toString('base64')}`);
      cleanups.push(hook.close);
      const t = open(await newStore());
      cleanups.push(() => t.close());
      await t.setBudget({
        name: 'n',
        metric: 'api_calls',
        limit: 1,
        thresholds: [100],
        alertOnForecast: false,
        webhookUrl: hook.url,
      });
      t.trackApiCall('b', 's3');
      await t.flush();
      await eventually(() => hook.received.length >= 1);
      expect(hook.received[0]!.verified).toBe(false);
    });

    it('pending deliveries survive the process: a tracker that does not deliver raises, another one delivers after', async () => {
      let secret: string | null = null;
      const hook = await receiver(() => secret);
      cleanups.push(hook.close);
      const store = await newStore('resume');
      const quiet = open(store, { deliverWebhooks: false });
      secret = (
        await quiet.setBudget({
          name: 'n',
          metric: 'api_calls',
          limit: 2,
          thresholds: [50, 100],
          alertOnForecast: false,
          webhookUrl: hook.url,
        })
      ).webhookSecret;
      quiet.trackApiCall('b', 's3');
      quiet.trackApiCall('b', 's3');
      await quiet.close();
      expect(await countStoreRows(store, 'budget_alerts')).toBe(2);
      expect(hook.received).toHaveLength(0);
      const worker = open(store);
      cleanups.push(() => worker.close());
      await eventually(() => hook.received.length >= 2);
      expect(hook.received.every((r) => r.verified)).toBe(true);
      const rows = await queryStore<{ state: string }>(store, 'select state from webhook_deliveries');
      await eventually(
        async () =>
          (await queryStore<{ state: string }>(store, "select state from webhook_deliveries where state = 'delivered'"))
            .length === 2,
      );
      expect(rows).toHaveLength(2);
    });

    it('an attempt claimed by a process that died is taken over once its lease runs out', async () => {
      let secret: string | null = null;
      const hook = await receiver(() => secret);
      cleanups.push(hook.close);
      const store = await newStore('lease-expiry');
      const quiet = open(store, { deliverWebhooks: false });
      secret = (
        await quiet.setBudget({
          name: 'n',
          metric: 'api_calls',
          limit: 1,
          thresholds: [100],
          alertOnForecast: false,
          webhookUrl: hook.url,
        })
      ).webhookSecret;
      quiet.trackApiCall('b', 's3');
      await quiet.close();
      // A claim left by a process killed mid-attempt: leased for another 1.5 s.
      const leasedUntil = Date.now() + 1500;
      const claim = `update webhook_deliveries set lease_owner = 'dead', lease_until = ${leasedUntil}`;
      if (store.path) {
        const file = new Database(store.path);
        file.prepare(claim).run();
        file.close();
      } else await queryStore(store, claim);
      const worker = open(store);
      cleanups.push(() => worker.close());
      await eventually(() => hook.received.length === 1);
      expect(Date.now()).toBeGreaterThanOrEqual(leasedUntil);
      expect(hook.received[0]!.verified).toBe(true);
    });

    it('a retry the backoff would start past the give-up time is made at it: the retries span the whole window', async () => {
      const hook = await receiver(() => null, Number.POSITIVE_INFINITY);
      cleanups.push(hook.close);
      const store = await newStore('give-up');
      const quiet = open(store, { deliverWebhooks: false });
      await quiet.setBudget({
        name: 'n',
        metric: 'api_calls',
        limit: 1,
        thresholds: [100],
        alertOnForecast: false,
        webhookUrl: hook.url,
      });
      quiet.trackApiCall('b', 's3');
      await quiet.close();
      const [alert] = await queryStore<{ alert_id: string }>(store, 'select alert_id from webhook_deliveries');
      // Queued an hour ago less 1.5 s: the first attempt is made now; the backoff (over an hour) would start
      // the next past the give-up time, 1.5 s from now, so the next is made at it, and is the last.
      const giveUpAt = Date.now() + 1500;
      const age = `update webhook_deliveries set created_at = ${giveUpAt - 3_600_000}`;
      if (store.path) {
        const file = new Database(store.path);
        file.prepare(age).run();
        file.close();
      } else await queryStore(store, age);
      const worker = open(store, {
        webhookRetry: { ...FAST_RETRY, initialDelayMs: 3_600_001, maxDelayMs: 3_600_001, giveUpAfterMs: 3_600_000 },
      });
      cleanups.push(() => worker.close());
      await eventually(
        async () => (await queryStore(store, "select 1 from webhook_deliveries where state = 'failed'")).length === 1,
      );
      const attempts = await worker.getWebhookAttempts(alert!.alert_id);
      expect(attempts.map((a) => [a.attempt, a.delivered])).toEqual([
        [1, false],
        [2, false],
      ]);
      expect(Date.parse(attempts[0]!.at)).toBeLessThan(giveUpAt);
      expect(Date.parse(attempts[1]!.at)).toBeGreaterThanOrEqual(giveUpAt);
      expect(hook.received).toHaveLength(2);
    });

    it('two delivering trackers on one store send each attempt once (leases)', async () => {
      let secret: string | null = null;
      const hook = await receiver(() => secret);
      cleanups.push(hook.close);
      const store = await newStore('leases');
      const a = open(store);
      const b = open(store);
      cleanups.push(
        () => a.close(),
        () => b.close(),
      );
      secret = (
        await a.setBudget({
          name: 'n',
          metric: 'api_calls',
          limit: 10,
          thresholds: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
          alertOnForecast: false,
          webhookUrl: hook.url,
        })
      ).webhookSecret;
      for (let i = 0; i < 10; i++) (i % 2 ? a : b).trackApiCall('b', 's3');
      await Promise.all([a.flush(), b.flush()]);
      await eventually(
        async () =>
          (await queryStore(store, "select 1 from webhook_deliveries where state = 'delivered'")).length === 10,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(hook.received).toHaveLength(10);
      expect(new Set(hook.received.map((r) => r.id)).size).toBe(10);
    });

    it('a rotated secret signs every later attempt, the queued retry included; with no grace the old one no longer verifies', async () => {
      let secret: string | null = null;
      // Refuses what it cannot verify: until the rotation, the receiver already expects a secret it is not sent.
      const hook = await receiver(() => secret, 0, true);
      cleanups.push(hook.close);
      const store = await newStore('rotate');
      const t = open(store);
      cleanups.push(() => t.close());
      const set = await t.setBudget({
        name: 'egress',
        metric: 'bandwidth_download',
        limit: 1000,
        thresholds: [100],
        alertOnForecast: false,
        webhookUrl: hook.url,
      });
      const first = set.webhookSecret!;
      secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
      t.trackBandwidthDownload('photos', 's3', 1000);
      await t.flush();
      await eventually(() => hook.received.length >= 1);
      expect(hook.received[0]!.verified).toBe(false);
      expect(new Webhook(first).verify(hook.received[0]!.raw, hook.received[0]!.headers)).toBeTruthy();

      const rotated = await t.rotateBudgetWebhookSecret(set.budget.id, { graceMs: 0 });
      expect(rotated.webhookSecret).toMatch(/^whsec_/);
      expect(rotated.webhookSecret).not.toBe(first);
      expect(rotated.budget).toMatchObject({ id: set.budget.id, name: 'egress', webhookUrl: hook.url });
      secret = rotated.webhookSecret;
      await eventually(() => hook.received.some((r) => r.verified));
      const delivered = hook.received.find((r) => r.verified)!;
      expect(delivered.body?.data.budgetId).toBe(set.budget.id);
      expect(() => new Webhook(first).verify(delivered.raw, delivered.headers)).toThrow();
      const [alert] = await t.getBudgetAlerts();
      await eventually(async () => (await t.getWebhookAttempts(alert!.id)).some((a) => a.delivered));
      // Still shown once: the budget's reads never carry it; the stored one is the new one.
      const [row] = await queryStore<{ webhook_secret: string }>(store, 'select webhook_secret from budgets');
      expect(row!.webhook_secret).toBe(rotated.webhookSecret);
    });

    it('after a rotation every attempt is signed with both secrets until the grace period ends', async () => {
      const hook = await receiver(() => null);
      cleanups.push(hook.close);
      const t = open(await newStore('rotate-grace'));
      cleanups.push(() => t.close());
      const limits = { metric: 'bandwidth_download' as const, limit: 1000, thresholds: [100], alertOnForecast: false };
      const graced = await t.setBudget({ name: 'graced', webhookUrl: hook.url, ...limits });
      const ended = await t.setBudget({ name: 'ended', webhookUrl: hook.url, ...limits });
      const gracedNew = (await t.rotateBudgetWebhookSecret(graced.budget.id)).webhookSecret;
      const endedNew = (await t.rotateBudgetWebhookSecret(ended.budget.id, { graceMs: 1 })).webhookSecret;
      await new Promise((r) => setTimeout(r, 20));
      t.trackBandwidthDownload('photos', 's3', 1000);
      await t.flush();
      await eventually(() => hook.received.length >= 2);
      const of = (id: string) => hook.received.find((r) => JSON.parse(r.raw).data.budgetId === id)!;
      // Each verifier holds one secret only, as a receiver that has switched, or not yet.
      const verifies = (secret: string, r: Received) => {
        try {
          new Webhook(secret).verify(r.raw, r.headers);
          return true;
        } catch {
          return false;
        }
      };
      const both = of(graced.budget.id);
      expect(both.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
      expect(verifies(gracedNew, both)).toBe(true);
      expect(verifies(graced.webhookSecret!, both)).toBe(true);
      // Its grace period over: the new secret alone.
      const one = of(ended.budget.id);
      expect(one.headers['webhook-signature']).toMatch(/^v1,\S+$/);
      expect(verifies(endedNew, one)).toBe(true);
      expect(verifies(ended.webhookSecret!, one)).toBe(false);
      // A secret that is neither still fails.
      expect(verifies(endedNew, both)).toBe(false);
    });

    it('rotating an unknown budget, or one without a webhook, throws INVALID_BUDGET and changes nothing', async () => {
      const store = await newStore('rotate-bad');
      const t = open(store, { deliverWebhooks: false });
      cleanups.push(() => t.close());
      const plain = await t.setBudget({ name: 'plain', metric: 'api_calls', limit: 10 });
      const hooked = await t.setBudget({
        name: 'hooked',
        metric: 'api_calls',
        limit: 10,
        webhookUrl: 'http://127.0.0.1:9/x',
      });
      const before = await queryStore(store, 'select id, webhook_secret, updated_at from budgets order by id');
      for (const id of ['bud_nope', plain.budget.id, '']) {
        const error = await t.rotateBudgetWebhookSecret(id).catch((e: unknown) => e);
        expect(error, id).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code: 'INVALID_BUDGET', field: 'id' });
      }
      expect(await queryStore(store, 'select id, webhook_secret, updated_at from budgets order by id')).toEqual(before);
      expect(hooked.webhookSecret).toMatch(/^whsec_/);
    });

    it('with private webhooks refused, a loopback URL is refused when set, and nothing is stored', async () => {
      // The public name resolves through an injected lookup (a public address), not this machine's DNS.
      const t = open(await newStore(), {
        allowPrivateWebhooks: false,
        deliverWebhooks: false,
        webhookLookup: async () => [{ address: '93.184.215.14', family: 4 }],
      });
      cleanups.push(() => t.close());
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://[::1]/x',
        'http://10.1.2.3/',
        'http://192.168.0.10/',
        'http://0x7f000001/',
        'http://[::ffff:127.0.0.1]/',
        'http://169.254.169.254/latest',
      ]) {
        const error = await t
          .setBudget({ name: 'n', metric: 'api_calls', limit: 1, webhookUrl: url })
          .catch((e: unknown) => e);
        expect(error, url).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code: 'INVALID_BUDGET', field: 'webhookUrl' });
      }
      expect(await t.getBudgets()).toEqual([]);
      // A public address is fine (nothing is sent: this tracker does not deliver).
      await t.setBudget({ name: 'n', metric: 'api_calls', limit: 1, webhookUrl: 'https://hooks.example.com/x' });
      expect(await t.getBudgets()).toHaveLength(1);
    });
  });
});
