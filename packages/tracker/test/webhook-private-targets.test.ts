import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Kysely, sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../src/budgets/webhook-address.js';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/open-postgres.js';
import { openSqlite } from '../src/db/open-sqlite.js';
import {
  openResourceTracker,
  type ResourceTracker,
  type TrackerOptions,
  ValidationError,
  type WebhookLookup,
} from '../src/index.js';
import { eventually } from './support/eventually.js';
import {
  DIALECTS,
  describeEachDialect,
  newStore,
  queryStore,
  type StoreOptions,
  testStores,
} from './support/stores.js';

// The operator's refusal of private webhook targets (allowPrivateWebhooks=false): its address rules, the
// check when a budget is set, the check of the address each delivery connects to (one lookup, so no DNS
// rebinding), and the refusal stored with the budget, so another process on the same store that allows
// private targets does not deliver what the restricted one accepted. Real HTTP receivers on 127.0.0.1; host
// names resolve through an injected lookup (webhookLookup), so no test depends on this machine's DNS.

const FAST_RETRY = { initialDelayMs: 30, maxDelayMs: 100, pollIntervalMs: 50, leaseMs: 5000, timeoutMs: 2000 };

/** A public address the tests never connect to (a name that resolves to it only passes set-time checks). */
const PUBLIC = '93.184.216.34';

/** A receiver on 127.0.0.1 counting requests and answering `status` (with `location` for a redirect). */
async function receiver(status = 204, location?: string) {
  const received: { raw: string; headers: Record<string, string> }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      received.push({ raw, headers: req.headers as Record<string, string> });
      res.statusCode = status;
      if (location) res.setHeader('location', location);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, received };
}

/** A lookup answering from a table of host names (anything else: ENOTFOUND), counting its calls. */
function lookupTable(table: Record<string, string | (() => string)>) {
  const calls: string[] = [];
  const lookup: WebhookLookup = async (hostname) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (entry === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const address = typeof entry === 'function' ? entry() : entry;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { lookup, calls };
}

const open = (store: StoreOptions, extra: TrackerOptions = {}): ResourceTracker => {
  const t = openResourceTracker({
    ...store,
    flushOnExit: false,
    webhookRetry: FAST_RETRY,
    budgetCheckIntervalMs: 20,
    ...extra,
  });
  cleanups.push(() => t.close());
  return t;
};

const oneCall = { metric: 'api_calls' as const, limit: 1, thresholds: [100], alertOnForecast: false };

/** Records one API call (crossing oneCall's line) and waits for the alert's first recorded attempt. */
async function alertAndFirstAttempt(t: ResourceTracker) {
  t.trackApiCall('b', 's3');
  await t.flush();
  await eventually(async () => (await t.getBudgetAlerts()).length === 1);
  const [alert] = await t.getBudgetAlerts();
  await eventually(async () => (await t.getWebhookAttempts(alert!.id)).length >= 1);
  return { alert: alert!, attempts: await t.getWebhookAttempts(alert!.id) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '0.1.2.3',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '192.0.0.8',
    '198.18.0.1',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::7f00:1',
    '::127.0.0.1',
    '::a00:1',
    '::ffff:7f00:1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::808:808',
    '2002:7f00:1::',
    '2002:c0a8:101::1',
    '2001:db8::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '100::1',
  ])('%s is not public', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81c::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'example.com',
  ])('%s is public (or not an address)', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describeEachDialect('private webhook targets', () => {
  it('refused: a URL whose host is a private address in any IPv4 or IPv6 form, localhost., or a name resolving to one', async () => {
    const { lookup } = lookupTable({ 'internal.test': '10.0.0.5', 'v6.test': 'fd00::5', 'public.test': PUBLIC });
    const t = open(await newStore(), { allowPrivateWebhooks: false, deliverWebhooks: false, webhookLookup: lookup });
    for (const url of [
      'http://[::127.0.0.1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[::ffff:7f00:1]/x',
      'http://[64:ff9b::127.0.0.1]/x',
      'http://[64:ff9b::a9fe:a9fe]/latest',
      'http://[2002:7f00:1::]/x',
      'http://[fd00::1]/x',
      'http://[fe80::1]/x',
      'http://[::]/x',
      'http://0.0.0.0/x',
      'http://100.64.0.1/x',
      'http://localhost./x',
      'http://api.localhost/x',
      'https://internal.test/x',
      'http://v6.test:8080/x',
    ]) {
      const error = await t.setBudget({ name: 'n', webhookUrl: url, ...oneCall }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'INVALID_BUDGET', field: 'webhookUrl' });
    }
    expect(
      ((await t.setBudget({ name: 'n', webhookUrl: 'https://internal.test/x', ...oneCall }).catch((e) => e)) as Error)
        .message,
    ).toMatch(/internal\.test resolves to 10\.0\.0\.5/);
    expect(await t.getBudgets()).toEqual([]);
    // A public name, and one that does not resolve (yet): accepted (each delivery checks again).
    await t.setBudget({ name: 'public', webhookUrl: 'https://public.test/x', ...oneCall });
    await t.setBudget({ name: 'later', webhookUrl: 'https://not-yet.test/x', ...oneCall });
    expect(await t.getBudgets()).toHaveLength(2);
  });

  it('a process that allows private targets delivers to 127.0.0.1 and to localhost (the common case)', async () => {
    const hook = await receiver();
    const t = open(await newStore());
    const byIp = await t.setBudget({ name: 'ip', webhookUrl: `http://127.0.0.1:${hook.port}/a`, ...oneCall });
    const byName = await t.setBudget({ name: 'name', webhookUrl: `http://localhost:${hook.port}/b`, ...oneCall });
    t.trackApiCall('b', 's3');
    await t.flush();
    await eventually(() => hook.received.length === 2);
    const verifies = (secret: string, r: { raw: string; headers: Record<string, string> }) => {
      try {
        new Webhook(secret).verify(r.raw, r.headers);
        return true;
      } catch {
        return false;
      }
    };
    // One request each, signed with its own budget's secret.
    for (const secret of [byIp.webhookSecret!, byName.webhookSecret!]) {
      expect(hook.received.filter((r) => verifies(secret, r))).toHaveLength(1);
    }
    const alerts = await t.getBudgetAlerts();
    await eventually(async () => {
      const all = await Promise.all(alerts.map((a) => t.getWebhookAttempts(a.id)));
      return all.every((attempts) => attempts.some((a) => a.delivered && a.status === 204));
    });
  });

  it('a restricted process refuses at delivery a stored URL whose name resolves to loopback, with one lookup', async () => {
    const hook = await receiver();
    const store = await newStore('delivery-time');
    const { lookup, calls } = lookupTable({ 'hooks.test': '127.0.0.1' });
    // Stored by a process that allows private targets and does not deliver.
    const setter = open(store, { deliverWebhooks: false, webhookLookup: lookup });
    await setter.setBudget({ name: 'n', webhookUrl: `http://hooks.test:${hook.port}/x`, ...oneCall });
    const localhost = await setter.setBudget({ name: 'l', webhookUrl: `http://localhost:${hook.port}/y`, ...oneCall });
    setter.trackApiCall('b', 's3');
    await setter.close();
    calls.length = 0;
    const restricted = open(store, { allowPrivateWebhooks: false, webhookLookup: lookup });
    const alerts = await restricted.getBudgetAlerts();
    expect(alerts).toHaveLength(2);
    await eventually(
      async () => (await queryStore(store, "select 1 from webhook_deliveries where state = 'failed'")).length === 2,
    );
    const errors = new Map<string, string | null>();
    for (const a of alerts) {
      const attempts = await restricted.getWebhookAttempts(a.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ status: null, delivered: false });
      errors.set(a.budgetId, attempts[0]!.error);
    }
    expect(errors.get(localhost.budget.id)).toMatch(
      /^Refused: localhost is a loopback host name, and this process refuses/,
    );
    const other = [...errors].find(([id]) => id !== localhost.budget.id)![1];
    expect(other).toMatch(
      /^Refused: hooks\.test resolves to 127\.0\.0\.1, .*and this process refuses private webhook targets/,
    );
    // The name was resolved once, by the connection itself (the address checked is the one that would be used).
    expect(calls).toEqual(['hooks.test']);
    expect(hook.received).toHaveLength(0);
  });

  it('DNS rebinding: a name public when set and loopback when delivered is refused; each attempt resolves once', async () => {
    const hook = await receiver();
    let answers = 0;
    // Public for the set-time check, loopback for the first delivery, public again for a second lookup, if any.
    const { lookup, calls } = lookupTable({ 'rebind.test': () => (answers++ % 2 === 0 ? PUBLIC : '127.0.0.1') });
    const t = open(await newStore(), { allowPrivateWebhooks: false, webhookLookup: lookup });
    await t.setBudget({ name: 'n', webhookUrl: `http://rebind.test:${hook.port}/x`, ...oneCall });
    const { attempts } = await alertAndFirstAttempt(t);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.error).toMatch(/rebind\.test resolves to 127\.0\.0\.1/);
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
    expect(hook.received).toHaveLength(0);
  });

  it('another process on the store that allows private targets refuses a budget set through a restricted one', async () => {
    const hook = await receiver();
    const store = await newStore('cross-process');
    // The API: restricted, does not deliver; the name is public when the budget is set.
    const api = open(store, {
      allowPrivateWebhooks: false,
      deliverWebhooks: false,
      webhookLookup: lookupTable({ 'hooks.test': PUBLIC }).lookup,
    });
    const set = await api.setBudget({ name: 'n', webhookUrl: `http://hooks.test:${hook.port}/x`, ...oneCall });
    api.trackApiCall('b', 's3');
    await api.flush();
    await eventually(async () => (await api.getBudgetAlerts()).length === 1);
    // A CLI command or the app's library tracker: allows private targets and delivers; the name now resolves
    // to loopback.
    const other = open(store, { webhookLookup: lookupTable({ 'hooks.test': '127.0.0.1' }).lookup });
    const [alert] = await other.getBudgetAlerts();
    await eventually(async () => (await other.getWebhookAttempts(alert!.id)).length === 1);
    const [attempt] = await other.getWebhookAttempts(alert!.id);
    expect(attempt).toMatchObject({ attempt: 1, status: null, delivered: false });
    expect(attempt!.error).toMatch(
      /^Refused: hooks\.test resolves to 127\.0\.0\.1, .*and the budget was set through a process that refuses private webhook targets/,
    );
    const [delivery] = await queryStore<{ state: string }>(store, 'select state from webhook_deliveries');
    expect(delivery!.state).toBe('failed');
    expect(hook.received).toHaveLength(0);
    const [row] = await queryStore<{ refuse_private: number | string }>(store, 'select refuse_private from budgets');
    expect(Number(row!.refuse_private)).toBe(1);
    expect(set.budget.webhookUrl).toBe(`http://hooks.test:${hook.port}/x`);
    // Its own budgets, to 127.0.0.1, it still delivers.
    const own = await other.setBudget({ name: 'own', webhookUrl: `http://127.0.0.1:${hook.port}/own`, ...oneCall });
    await eventually(() => hook.received.length === 1);
    expect(new Webhook(own.webhookSecret!).verify(hook.received[0]!.raw, hook.received[0]!.headers)).toBeTruthy();
  });

  it('the refusal stays with the URL: kept by a set that keeps it, dropped with a new URL, kept by deliveries queued for the old one', async () => {
    const hook = await receiver();
    const store = await newStore('refusal-follows-url');
    const names = { 'hooks.test': PUBLIC };
    const api = open(store, {
      allowPrivateWebhooks: false,
      deliverWebhooks: false,
      webhookLookup: lookupTable(names).lookup,
    });
    const oldUrl = `http://hooks.test:${hook.port}/x`;
    const { budget } = await api.setBudget({
      name: 'n',
      webhookUrl: oldUrl,
      ...oneCall,
      limit: 2,
      thresholds: [50, 100],
    });
    api.trackApiCall('b', 's3');
    await api.flush();
    await eventually(async () => (await api.getBudgetAlerts()).length === 1);
    const refusal = async () =>
      Number((await queryStore<{ r: number | string }>(store, 'select refuse_private as r from budgets'))[0]!.r);
    // The operator's CLI (allows private targets, does not deliver) renames it, same URL: still refused.
    const cli = open(store, {
      deliverWebhooks: false,
      webhookLookup: lookupTable({ 'hooks.test': '127.0.0.1' }).lookup,
    });
    await cli.setBudget({
      id: budget.id,
      name: 'renamed',
      webhookUrl: oldUrl,
      ...oneCall,
      limit: 2,
      thresholds: [50, 100],
    });
    expect(await refusal()).toBe(1);
    // Then points it at its own receiver on 127.0.0.1: the operator's choice, allowed from now on.
    const newUrl = `http://127.0.0.1:${hook.port}/new`;
    await cli.setBudget({
      id: budget.id,
      name: 'renamed',
      webhookUrl: newUrl,
      ...oneCall,
      limit: 2,
      thresholds: [50, 100],
    });
    expect(await refusal()).toBe(0);
    cli.trackApiCall('b', 's3');
    await cli.flush();
    await eventually(async () => (await cli.getBudgetAlerts()).length === 2);
    const queued = await queryStore<{ url: string; refuse_private: number | string }>(
      store,
      'select url, refuse_private from webhook_deliveries order by created_at, alert_id',
    );
    expect(queued.map((d) => [d.url, Number(d.refuse_private)])).toEqual([
      [oldUrl, 1],
      [newUrl, 0],
    ]);
    // A process that allows private targets delivers the new URL's alert and refuses the old one's.
    const worker = open(store, { webhookLookup: lookupTable({ 'hooks.test': '127.0.0.1' }).lookup });
    await eventually(
      async () => (await queryStore(store, "select 1 from webhook_deliveries where state <> 'pending'")).length === 2,
    );
    expect(hook.received).toHaveLength(1);
    const states = await queryStore<{ url: string; state: string }>(
      store,
      'select url, state from webhook_deliveries order by url',
    );
    expect(states.map((s) => [s.url, s.state]).sort()).toEqual(
      [
        [newUrl, 'delivered'],
        [oldUrl, 'failed'],
      ].sort(),
    );
    await worker.close();
  });

  it('a redirect is not followed (to a private address or anywhere): the 3xx is a failed attempt', async () => {
    const target = await receiver();
    const hook = await receiver(302, `http://127.0.0.1:${target.port}/internal`);
    const t = open(await newStore());
    await t.setBudget({ name: 'n', webhookUrl: `http://127.0.0.1:${hook.port}/x`, ...oneCall });
    const { attempts } = await alertAndFirstAttempt(t);
    expect(attempts[0]).toMatchObject({ status: 302, error: 'HTTP 302', delivered: false });
    // FAST_RETRY retries within 30 ms: more attempts may have been made by now, each to the hook, none followed.
    expect(hook.received.length).toBeGreaterThanOrEqual(1);
    expect(target.received).toHaveLength(0);
  });

  it('a name whose every address refuses the connection: the attempt records each failure', async () => {
    const closed = await receiver();
    const port = closed.port;
    await cleanups.pop()!();
    const lookup: WebhookLookup = async () => [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ];
    const t = open(await newStore(), { webhookLookup: lookup });
    await t.setBudget({ name: 'n', webhookUrl: `http://both.test:${port}/x`, ...oneCall });
    const { attempts } = await alertAndFirstAttempt(t);
    expect(attempts[0]).toMatchObject({ status: null, delivered: false });
    expect(attempts[0]!.error).toContain(`::1:${port}`);
    expect(attempts[0]!.error).toContain(`127.0.0.1:${port}`);
  });

  it('a lookup that never answers counts against the attempt timeout', async () => {
    const t = open(await newStore(), {
      allowPrivateWebhooks: false,
      webhookRetry: { ...FAST_RETRY, timeoutMs: 200 },
      // Answers at once for the set-time check, never for the delivery.
      webhookLookup: (() => {
        let calls = 0;
        return (async () =>
          calls++ === 0 ? [{ address: PUBLIC, family: 4 }] : new Promise(() => {})) as WebhookLookup;
      })(),
    });
    await t.setBudget({ name: 'n', webhookUrl: 'http://slow-dns.test/x', ...oneCall });
    const started = Date.now();
    const { attempts } = await alertAndFirstAttempt(t);
    expect(attempts[0]).toMatchObject({ status: null, error: 'No answer within 200 ms', delivered: false });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe.each(DIALECTS)('migration 0012 (%s)', (dialect) => {
  const stores = testStores(dialect, 'migration-0012');
  const BEFORE_0012 = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0012-webhook-refuse-private') - 1]!;

  it('existing budgets and deliveries carry no refusal (0)', async () => {
    const store = await stores('before');
    const { db } = store.databaseUrl ? openPostgres(store.databaseUrl) : openSqlite(store.path!, 5000);
    const k = db as Kysely<any>;
    try {
      expect((await migrateTo(k, BEFORE_0012)).error).toBeUndefined();
      await sql`insert into budgets (id, name, backend, metric, limit_value, timezone, thresholds, alert_on_forecast,
        webhook_url, webhook_secret, revision, created_at, updated_at)
        values ('b', 'b', null, 'api_calls', 10, 'UTC', '[100]', 0, 'http://h.test/', 'whsec_x', 1, 1, 1)`.execute(k);
      await sql`insert into webhook_deliveries (alert_id, budget_id, url, body, state, attempts, next_attempt_at,
        lease_until, lease_owner, created_at) values ('a', 'b', 'http://h.test/', '{}', 'pending', 0, 1, 0, null, 1)`.execute(
        k,
      );
      expect((await migrateToLatest(k)).error).toBeUndefined();
      const budgets = await k.selectFrom('budgets').select('refuse_private').execute();
      const deliveries = await k.selectFrom('webhook_deliveries').select('refuse_private').execute();
      expect([...budgets, ...deliveries].map((r) => Number(r.refuse_private))).toEqual([0, 0]);
    } finally {
      await db.destroy();
    }
  });
});
