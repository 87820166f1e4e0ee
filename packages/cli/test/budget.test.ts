import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker, openTokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.js';
import { Capture, runCli } from './support/run-cli.js';

// `bytemeter budget list|set|delete` and `bytemeter alerts [--follow]` on the local file and, through
// --endpoint, on the API process serving the same file.

interface ListedBudget {
  id: string;
  name: string;
  metric: string;
  limit: number;
  backend: string | null;
  thresholds: number[];
}

/** Runs `alerts --follow --count 1` and raises a fresh alert from another tracker every 2 s until it prints one. */
async function followUntilAlert(db: string, target: string[], tag: string) {
  const stdout = new Capture();
  const stderr = new Capture();
  let finished = false;
  const running = run(['alerts', '--follow', '--count', '1', ...target], {
    stdout,
    stderr,
    env: {},
    now: Date.now,
  }).finally(() => {
    finished = true;
  });
  const tracker = openResourceTracker({ path: db, flushOnExit: false });
  try {
    // When the follower's feed is open is not observable from outside; each round is a new crossing.
    for (let round = 0; !finished && round < 8; round++) {
      const backend = `${tag}-${round}`;
      await tracker.setBudget({
        name: `${tag} budget ${round}`,
        backend,
        metric: 'api_calls',
        limit: 5,
        thresholds: [100],
        alertOnForecast: false,
      });
      tracker.trackApiCall(backend, 's3');
      tracker.trackResourceUsage({ backend, backendType: 's3', resourceType: 'api_calls', amount: 4 });
      await tracker.flush();
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
    const code = await running;
    return { code, out: stdout.text, err: stderr.text };
  } finally {
    await tracker.close();
  }
}

describe('bytemeter budget and alerts', () => {
  let db: string;
  let api: ApiProcess;

  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'bm-cli-budgets-')), 'budgets.db');
    const seed = openResourceTracker({ path: db });
    seed.trackBandwidthUpload('photos', 's3', 1024);
    await seed.close();
    api = await startApiProcess({ dbPath: db });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    ['the local database', () => ['--db', db]],
    ['--endpoint', () => ['--endpoint', api.url]],
  ])('sets, lists and deletes budgets on %s', async (name, target) => {
    const label = name === '--endpoint' ? 'remote' : 'local';
    const set = await runCli(
      [
        'budget',
        'set',
        '--name',
        `${label} quota`,
        '--metric',
        'storage',
        '--limit',
        '1GiB',
        '--backend',
        'photos',
        '--thresholds',
        '80,100',
        '--webhook',
        'http://127.0.0.1:9/hook',
        ...target(),
      ],
      { now: Date.now() },
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(new RegExp(`"${label} quota" saved: 1\\.00 GiB of storage_level for photos`));
    expect(set.stdout).toMatch(/Webhook secret \(shown only now.*\): whsec_\S+/);

    const listed = await runCli(['budget', 'list', '--json', ...target()], { now: Date.now() });
    const budgets = JSON.parse(listed.stdout) as ListedBudget[];
    const mine = budgets.find((b) => b.name === `${label} quota`)!;
    expect(mine).toMatchObject({ metric: 'storage_level', limit: 2 ** 30, backend: 'photos', thresholds: [80, 100] });

    const table = await runCli(['budget', 'list', ...target()], { now: Date.now() });
    expect(table.stdout).toMatch(new RegExp(`${mine.id}\\s+${label} quota\\s+photos\\s+storage_level\\s+1\\.00 GiB`));

    // Replacing by id keeps the secret: it is not printed again.
    const replaced = await runCli(
      [
        'budget',
        'set',
        '--id',
        mine.id,
        '--name',
        `${label} quota`,
        '--metric',
        'storage',
        '--limit',
        '2GiB',
        '--backend',
        'photos',
        '--webhook',
        'http://127.0.0.1:9/hook',
        ...target(),
      ],
      { now: Date.now() },
    );
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).not.toMatch(/whsec_/);

    // Rotation prints a new secret once; --json carries it too; a budget without a webhook is bad usage.
    const first = /whsec_\S+/.exec(set.stdout)![0];
    const rotated = await runCli(['budget', 'rotate-secret', mine.id, ...target()], { now: Date.now() });
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/has a new webhook secret.*\n?.*Webhook secret \(shown only now.*\): whsec_\S+/s);
    const second = /whsec_\S+/.exec(rotated.stdout)![0];
    expect(second).not.toBe(first);
    const asJson = await runCli(['budget', 'rotate-secret', mine.id, '--json', ...target()], { now: Date.now() });
    const parsed = JSON.parse(asJson.stdout) as { budget: ListedBudget; webhookSecret: string };
    expect(parsed.budget.id).toBe(mine.id);
    expect(parsed.webhookSecret).toMatch(/^whsec_/);
    expect(parsed.webhookSecret).not.toBe(second);
    const unknown = await runCli(['budget', 'rotate-secret', 'bud_nope', ...target()], { now: Date.now() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No budget has the id "bud_nope"/);
    expect((await runCli(['budget', 'rotate-secret', ...target()], { now: Date.now() })).code).toBe(2);

    expect(await runCli(['budget', 'delete', mine.id, ...target()], { now: Date.now() })).toMatchObject({ code: 0 });
    const again = await runCli(['budget', 'delete', mine.id, ...target()], { now: Date.now() });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/No budget with id/);
  });

  it('refuses bad flags with exit 2 before touching anything', async () => {
    const cases: [string[], RegExp][] = [
      [['budget', 'set', '--metric', 'cost', '--limit', '10'], /--name is required/],
      [['budget', 'set', '--name', 'n', '--metric', 'egresss', '--limit', '10'], /--metric must be one of/],
      [['budget', 'set', '--name', 'n', '--metric', 'cost', '--limit', '-5'], /positive number of dollars/],
      [['budget', 'set', '--name', 'n', '--metric', 'calls', '--limit', '1.5'], /whole number of calls/],
      [['budget', 'set', '--name', 'n', '--metric', 'upload', '--limit', '5 parsecs'], /byte limit/],
      [
        ['budget', 'set', '--name', 'n', '--metric', 'cost', '--limit', '5', '--thresholds', '0,50'],
        /Thresholds are whole/,
      ],
      [
        ['budget', 'set', '--name', 'n', '--metric', 'cost', '--limit', '5', '--thresholds', '50.0'],
        /Thresholds are whole/,
      ],
      [['budget', 'list', '--name', 'n'], /--name goes with `bytemeter budget set`/],
      [['budget', 'frobnicate'], /Use `bytemeter budget list`/],
      [['alerts', '--count', '2'], /--count goes with --follow/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli([...argv, '--db', join(tmpdir(), 'bm-never-created', 'x.db')], { now: Date.now() });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
    }
    // The tracker's own checks (an unknown zone) are exit 2 too, and nothing is stored.
    const zone = await runCli(
      ['budget', 'set', '--name', 'z', '--metric', 'cost', '--limit', '5', '--timezone', 'Mars/Base', '--db', db],
      {
        now: Date.now(),
      },
    );
    expect(zone.code).toBe(2);
    const listed = JSON.parse(
      (await runCli(['budget', 'list', '--json', '--db', db], { now: Date.now() })).stdout,
    ) as ListedBudget[];
    expect(listed.map((b) => b.name)).not.toContain('z');
  });

  it.each([
    ['the local database', 'local', () => ['--db', db]],
    ['--endpoint', 'remote', () => ['--endpoint', api.url]],
  ])('alerts --follow on %s prints an alert another process raises', async (_name, tag, target) => {
    const { code, out, err } = await followUntilAlert(db, target(), `follow-${tag}`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`follow-${tag} budget \\d+  crossed 100%  5 calls of 5 calls`));

    // And the history shows it, with --json newest first.
    const history = await runCli(['alerts', '--json', ...target()], { now: Date.now() });
    const alerts = JSON.parse(history.stdout) as { budgetName: string; threshold: number; kind: string }[];
    expect(alerts.find((a) => a.budgetName.startsWith(`follow-${tag}`))).toMatchObject({
      threshold: 100,
      kind: 'actual',
    });
    const text = await runCli(['alerts', ...target()], { now: Date.now() });
    expect(text.stdout).toMatch(new RegExp(`follow-${tag} budget \\d+  crossed 100%`));
  });

  it('prints the same budgets and alerts locally and through --endpoint', async () => {
    await runCli(
      [
        'budget',
        'set',
        '--name',
        'parity',
        '--metric',
        'cost',
        '--limit',
        '12.5',
        '--timezone',
        'Europe/Berlin',
        '--db',
        db,
      ],
      {
        now: Date.now(),
      },
    );
    for (const argv of [['budget', 'list', '--json'], ['budget', 'list'], ['alerts', '--json'], ['alerts']]) {
      const local = await runCli([...argv, '--db', db], { now: Date.now() });
      const remote = await runCli([...argv, '--endpoint', api.url], { now: Date.now() });
      expect(local.code, argv.join(' ')).toBe(0);
      expect(remote, argv.join(' ')).toEqual(local);
    }
    const parity = (
      JSON.parse((await runCli(['budget', 'list', '--json', '--db', db], { now: Date.now() })).stdout) as ListedBudget[]
    ).find((b) => b.name === 'parity');
    expect(parity).toMatchObject({ metric: 'cost', limit: 12_500_000 });
  });

  it('with API tokens lists budgets with a read token and says a write needs the admin scope', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-cli-budget-tokens-'));
    const tokensDb = join(dir, 'tokens.db');
    const store = await openTokenStore({ path: tokensDb });
    const read = (await store.create({ scopes: 'read' })).secret;
    const ingest = (await store.create({ scopes: 'ingest' })).secret;
    await store.close();
    const guarded = await startApiProcess({ dbPath: tokensDb });
    try {
      const listed = await runCli(['budget', 'list', '--endpoint', guarded.url, '--token', read], { now: Date.now() });
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      const refused = await runCli(
        [
          'budget',
          'set',
          '--name',
          'n',
          '--metric',
          'cost',
          '--limit',
          '5',
          '--endpoint',
          guarded.url,
          '--token',
          ingest,
        ],
        { now: Date.now() },
      );
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/lacks the "admin" scope.*need the admin scope.*--scopes read,admin/);
      const rotate = await runCli(['budget', 'rotate-secret', 'bud_x', '--endpoint', guarded.url, '--token', ingest], {
        now: Date.now(),
      });
      expect(rotate.code).toBe(4);
      expect(rotate.stderr).toMatch(/lacks the "admin" scope.*rotate-secret.*need the admin scope/);
    } finally {
      await guarded.stop();
    }
  });
});
