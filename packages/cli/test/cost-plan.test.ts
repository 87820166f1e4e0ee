import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker, openTokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../src/paint.js';
import { runBinary, runCli } from './support/run-cli.js';

// `bytemeter cost` and `bytemeter plan` on a local file and, through --endpoint, on the API process serving
// that file: the README's worked examples, the same output from both sides, and bad plans refused with
// nothing stored.

const GIB = 2 ** 30;
const DAY = 86_400_000;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1); // 30 days
const dir = mkdtempSync(join(tmpdir(), 'bm-cli-cost-'));
const db = join(dir, 'cost.db');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

interface CostJson {
  period: string;
  backends: {
    backend: string;
    computedCostMicros: number;
    reportedCostMicros: number;
    resources: { resource: string; units: number; costMicros: number }[];
    hasPlan: boolean;
  }[];
  computedTotalMicros: number;
  reportedTotalMicros: number;
  forecast: { monthEndMicros: number; method: string };
}

let api: ApiProcess;
const local = (...argv: string[]) => runCli([...argv, '--db', db], { now: Date.now() });
const remote = (...argv: string[]) => runCli([...argv, '--endpoint', api.url], { now: Date.now() });

beforeAll(async () => {
  const tracker = openResourceTracker({ path: db, rawRetentionMs: null });
  // 3 GiB downloaded early in March, and $0.05 the application reported itself.
  for (let i = 0; i < 3; i++)
    tracker.trackBandwidthDownload('photos', 's3', GIB, { timestamp: MARCH + i * DAY + 1234 });
  tracker.trackCost('photos', 's3', 5, { timestamp: MARCH + DAY });
  // 1 GiB stored for the first 15 days of April (a 30-day month).
  tracker.trackStorageUsage('r2', 's3', GIB, { timestamp: APRIL });
  tracker.trackStorageUsage('r2', 's3', -GIB, { timestamp: APRIL + 15 * DAY });
  tracker.trackApiCall('pins', 'ipfs', { timestamp: MARCH + 5 * DAY });
  await tracker.close();
  api = await startApiProcess({ dbPath: db });
});
afterAll(async () => {
  await api?.stop();
});

describe('bytemeter plan set and cost on a local file: the worked examples', () => {
  it('3 GiB downloaded, the first GiB free and $0.09 after: $0.18, beside the $0.05 reported', async () => {
    const plan = file(
      'download.yaml',
      [
        'prices:',
        '  - resource: download',
        '    tiers: [{ upTo: 1, pricePerUnit: 0 }, { pricePerUnit: 0.09 }]',
        '',
      ].join('\n'),
    );
    const set = await local('plan', 'set', 'photos', '--file', plan);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('$0 up to 1 · $0.09 above, per GiB');

    const json = await local('cost', '--at', '2026-03-15', '--timezone', 'UTC', '--backend', 'photos', '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(json.stdout) as CostJson;
    expect(report.backends).toEqual([
      {
        backend: 'photos',
        backendType: 's3',
        computedCostMicros: 180_000,
        reportedCostMicros: 50_000,
        resources: [{ resource: 'download', units: 3, costMicros: 180_000 }],
        hasPlan: true,
      },
    ]);

    const text = await local('cost', '--at', '2026-03-15T00:00:00Z', '--timezone', 'UTC', '--backend', 'photos');
    expect(text.stdout).toBe(
      [
        'Cost for the month 2026-03-01T00:00:00.000Z → 2026-04-01T00:00:00.000Z (UTC)',
        '',
        'BACKEND  TYPE  RESOURCE  UNITS  COMPUTED  REPORTED',
        '───────  ────  ────────  ─────  ────────  ────────',
        'photos   s3    download  3 GiB     $0.18',
        'photos   s3    total               $0.18     $0.05',
        '',
        'Total: computed $0.18 · reported $0.05',
        `Month-end forecast $0.18 — method: ${report.forecast.method}`,
        '',
      ].join('\n'),
    );
    // The period is over: the forecast is the month itself, by a stated method.
    expect(report.forecast.monthEndMicros).toBe(180_000);
    expect(report.forecast.method).toMatch(/^photos: Month to date \(from 2026-03-01T00:00:00\.000Z/);
  });

  it('1 GiB stored for half of a 30-day month at $0.023: 0.5 GiB-month, $0.0115 (11,500 micros)', async () => {
    const plan = file(
      'storage.json',
      JSON.stringify({ timezone: 'UTC', prices: [{ resource: 'STORAGE', tiers: [{ pricePerUnit: 0.023 }] }] }),
    );
    expect(await local('plan', 'set', 'r2', '--file', plan)).toMatchObject({ code: 0, stderr: '' });
    const r = await local('cost', '--at', '2026-04-20T00:00:00Z', '--timezone', 'UTC', '--backend', 'r2', '--json');
    const report = JSON.parse(r.stdout) as CostJson;
    expect(report.backends[0]!.resources).toEqual([{ resource: 'storage', units: 0.5, costMicros: 11_500 }]);
    expect(report.computedTotalMicros).toBe(11_500);
    // The table shows money as the rest of bytemeter does (core's formatDollars: to the cent from a cent up).
    const text = await local('cost', '--at', '2026-04-20T00:00:00Z', '--timezone', 'UTC', '--backend', 'r2');
    expect(text.stdout).toContain('r2       s3    storage   0.5 GiB-month     $0.01');
  });

  it('a template, a later plan from a date in the plan zone, and a price below a micro kept exact', async () => {
    const later = file(
      'calls.yml',
      [
        'timezone: Asia/Kolkata',
        'template: aws-s3-standard-us-east-1',
        'effectiveFrom: 2026-03-06',
        'prices:',
        '  - resource: api_calls_unclassified',
        '    tiers:',
        '      - pricePerUnit: 0.0000004',
        '      # a comment, and a trailing tier with an explicit null bound',
        '  - resource: monthly_fee',
        '    tiers: [{ upTo: null, pricePerUnit: "1.5" }]',
        '',
      ].join('\n'),
    );
    const set = await local('plan', 'set', 'pins', '--file', later, '--json');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const stored = JSON.parse(set.stdout) as {
      timezone: string;
      template: string;
      effectiveFrom: string;
      prices: { resource: string; tiers: { upTo: number | null; pricePerUnit: string }[] }[];
    };
    expect(stored.timezone).toBe('Asia/Kolkata');
    expect(stored.template).toBe('aws-s3-standard-us-east-1');
    // Midnight of 6 March in Kolkata.
    expect(stored.effectiveFrom).toBe('2026-03-05T18:30:00.000Z');
    expect(stored.prices.find((p) => p.resource === 'api_calls_unclassified')!.tiers).toEqual([
      { upTo: null, pricePerUnit: '0.0000004' },
    ]);
    expect(stored.prices.find((p) => p.resource === 'monthly_fee')!.tiers).toEqual([
      { upTo: null, pricePerUnit: '1.5' },
    ]);
    expect(stored.prices.map((p) => p.resource)).toContain('storage');
  });

  it('bad files and flags: exit 2, a message naming the file and the place, nothing stored', async () => {
    const before = (await local('plan', 'show', '--json')).stdout;
    const cases: [string[], RegExp][] = [
      [['plan', 'set', 'photos'], /either --file plan\.json\|plan\.yaml or --template NAME/],
      [['plan', 'set', 'photos', '--template', 'cloudflare-r2-standard', '--file', 'x.yaml'], /not both/],
      [['plan', 'set', 'photos', '--template', 'nope'], /Unknown template "nope".*\(at template\)/],
      [['plan', 'set', 'photos', '--file', join(dir, 'missing.yaml')], /Cannot read .*missing\.yaml: no such file/],
      [['plan', 'set', 'photos', '--file', file('plan.txt', '{}')], /--file must name a \.json, \.yaml or \.yml file/],
      [['plan', 'set', 'photos', '--file', file('broken.json', '{"prices": [')], /broken\.json is not valid JSON/],
      [
        ['plan', 'set', 'photos', '--file', file('typo.yaml', 'price:\n  - resource: download\n')],
        /typo\.yaml: unknown key "price" in the plan; it takes backend, timezone, template, effectiveFrom, prices/,
      ],
      [
        [
          'plan',
          'set',
          'photos',
          '--file',
          file('float.json', '{"prices":[{"resource":"download","tiers":[{"pricePerUnit":"1e-7"}]}]}'),
        ],
        /float\.json: A price must be plain decimal digits.*got "1e-7".*\(at prices\[0\]\.tiers\[0\]\.pricePerUnit\)/,
      ],
      [
        [
          'plan',
          'set',
          'photos',
          '--file',
          file(
            'tiers.yaml',
            'prices:\n  - resource: download\n    tiers: [{ upTo: 2.5, pricePerUnit: 1 }, { pricePerUnit: 0 }]\n',
          ),
        ],
        /Tier upTo must be a whole number.*got "2\.5".*\(at prices\[0\]\.tiers\[0\]\.upTo\)/,
      ],
      [
        ['plan', 'set', 'photos', '--file', file('other.yaml', 'backend: r2\nprices: []\n')],
        /other\.yaml is the plan of "r2", not "photos"/,
      ],
      [
        ['plan', 'set', 'photos', '--template', 'cloudflare-r2-standard', '--timezone', 'Mars/Olympus'],
        /Unknown time zone "Mars\/Olympus"/,
      ],
      [
        ['plan', 'set', 'photos', '--template', 'cloudflare-r2-standard', '--effective-from', 'soon'],
        /--effective-from must be an existing time/,
      ],
      [['plan', 'show', '--file', 'x.yaml'], /--file goes with `bytemeter plan set`/],
      [['plan', 'delete'], /plan delete needs one backend/],
      [['plan', 'delete', 'nobody'], /"nobody" has no price plan; nothing was deleted/],
      [['plan', 'frobnicate'], /Unknown plan action "frobnicate"/],
      [['cost', '--period', 'year'], /--period must be one of hour, day, week, month/],
      [['cost', '--timezone', '+25:00'], /Unknown time zone "\+25:00"/],
      [['cost', '--from', '-7d', '--period', 'day'], /either --period\/--at .* or --from\/--to/],
      [['cost', '--backend', 'nobody'], /No backend named "nobody" has recorded usage/],
    ];
    for (const [argv, message] of cases) {
      const r = await local(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stdout, argv.join(' ')).toBe('');
    }
    expect((await local('plan', 'show', '--json')).stdout).toBe(before);
  });
});

describe('the same commands through --endpoint: the API process serving the file', () => {
  it.each([
    ['cost', '--at', '2026-03-15T00:00:00Z', '--timezone', 'UTC'],
    ['cost', '--at', '2026-03-15T00:00:00Z', '--timezone', 'UTC', '--json'],
    ['cost', '--at', '2026-04-20T00:00:00Z', '--timezone', 'Asia/Kolkata', '--json'],
    ['cost', '--from', '2026-03-02', '--to', '2026-04-10', '--timezone', '+05:30', '--json'],
    ['cost', '--period', 'week', '--at', '2026-03-02T12:00:00Z', '--timezone', 'UTC', '--backend', 'photos'],
    ['plan', 'show'],
    ['plan', 'show', 'pins', '--json'],
    ['plan', 'templates'],
    ['plan', 'templates', '--json'],
  ])('%s %s %s', async (...argv) => {
    const [mine, theirs] = [await local(...argv), await remote(...argv)];
    expect([mine.code, theirs.code, mine.stderr, theirs.stderr]).toEqual([0, 0, '', '']);
    expect(theirs.stdout).toBe(mine.stdout);
    expect(mine.stdout.length).toBeGreaterThan(100);
  });

  it('the worked examples priced by the server: $0.18 and $0.0115', async () => {
    const march = JSON.parse(
      (await remote('cost', '--at', '2026-03-15T00:00:00Z', '--timezone', 'UTC', '--json')).stdout,
    ) as CostJson;
    expect(march.backends.find((b) => b.backend === 'photos')).toMatchObject({
      computedCostMicros: 180_000,
      reportedCostMicros: 50_000,
    });
    const april = JSON.parse(
      (await remote('cost', '--at', '2026-04-20T00:00:00Z', '--timezone', 'UTC', '--json')).stdout,
    ) as CostJson;
    expect(april.backends.find((b) => b.backend === 'r2')!.resources).toEqual([
      { resource: 'storage', units: 0.5, costMicros: 11_500 },
    ]);
  });

  it('plan set and delete through the server are what the local file then holds; a bad plan stores nothing', async () => {
    const set = await runBinary([
      'plan',
      'set',
      'disk',
      '--template',
      'cloudflare-r2-standard',
      '--timezone',
      'europe/berlin',
      '--endpoint',
      api.url,
    ]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const seen = JSON.parse((await local('plan', 'show', 'disk', '--json')).stdout) as {
      timezone: string;
      template: string;
    }[];
    expect(seen).toEqual([expect.objectContaining({ timezone: 'Europe/Berlin', template: 'cloudflare-r2-standard' })]);

    const before = (await local('plan', 'show', '--json')).stdout;
    const bad = await remote(
      'plan',
      'set',
      'disk',
      '--file',
      file('remote-bad.yaml', 'prices:\n  - resource: egress\n    tiers: []\n'),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/remote-bad\.yaml: Priced resource must be one of upload, download/);
    expect((await local('plan', 'show', '--json')).stdout).toBe(before);

    expect(await remote('plan', 'delete', 'disk')).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse((await local('plan', 'show', 'disk', '--json')).stdout)).toEqual([]);
    const again = await remote('plan', 'delete', 'disk');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/"disk" has no price plan; nothing was deleted/);
  });
});

describe('plans need the admin scope on a server with tokens', () => {
  it('a read token is refused (exit 4) with the scope to ask for; an admin token stores the plan', async () => {
    const served = await startApiProcess();
    try {
      const store = await openTokenStore({ path: served.dbPath });
      const read = (await store.create({ scopes: 'read' })).secret;
      const admin = (await store.create({ scopes: 'read,admin' })).secret;
      await store.close();
      const argv = ['plan', 'set', 'photos', '--template', 'aws-s3-standard-us-east-1', '--endpoint', served.url];
      const refused = await runBinary([...argv, '--token', read]);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/need the admin scope.*--scopes read,admin/);
      const ok = await runBinary([...argv, '--token', admin]);
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      const shown = await runCli(['plan', 'show', '--endpoint', served.url, '--token', read], { now: Date.now() });
      expect(plain(shown.stdout)).toContain('aws-s3-standard-us-east-1');
    } finally {
      await served.stop();
    }
  });
});
