import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker, openTokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, runCli } from './support/run-cli.js';

// The same command lines against the local file and, through --endpoint, against the API process serving
// that file: the numbers must be the same. Then the built binary's exit codes and messages.

const HOUR = 3_600_000;

describe('local database and --endpoint agree', () => {
  let api: ApiProcess;
  let db: string;
  let now: number;

  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'bm-cli-parity-')), 'parity.db');
    const seededAt = Date.now();
    const tracker = openResourceTracker({ path: db });
    // An hour or more in the past: every backend is idle for either clock, so status compares exactly.
    for (let i = 0; i < 120; i++) {
      const timestamp = seededAt - HOUR - i * 97_000;
      const backend = ['photos', 'pins', 'disk'][i % 3]!;
      const type = (['s3', 'ipfs', 'local'] as const)[i % 3]!;
      tracker.trackBandwidthUpload(backend, type, 1000 + i * 17, { timestamp, path: `o/${i}` });
      if (i % 4 === 0) tracker.trackBandwidthDownload(backend, type, 333 * i, { timestamp });
      if (i % 5 === 0) tracker.trackApiCall(backend, type, { timestamp, success: i % 10 !== 0, durationMs: i });
      if (i % 6 === 0) tracker.trackStorageUsage(backend, type, 4096, { timestamp });
      if (i % 7 === 0) tracker.trackCost(backend, type, 0.37, { timestamp, metadata: { i } });
    }
    await tracker.close();
    api = await startApiProcess({ dbPath: db });
    now = Date.now();
  });
  afterAll(async () => {
    await api?.stop();
  });

  const both = async (...argv: string[]) => {
    const local = await runCli([...argv, '--db', db], { now });
    const remote = await runCli([...argv, '--endpoint', api.url], { now });
    expect(local.stderr).toBe('');
    expect(remote.stderr).toBe('');
    expect([local.code, remote.code]).toEqual([0, 0]);
    return { local: local.stdout, remote: remote.stdout };
  };

  it.each([
    ['usage', '--timezone', 'Asia/Kathmandu'],
    ['usage', '--period', 'month', '--timezone', 'America/St_Johns', '--json'],
    ['usage', '--period', 'hour', '--backend', 'pins', '--json'],
    ['usage', '--type', 'local', '--period', 'week', '--timezone', 'UTC'],
    ['details', '--hours', '6', '--limit', '1000', '--json'],
    ['details', '--hours', '4', '--resource', 'api_calls', '--backend', 'photos'],
    ['status', '--json'],
    ['status'],
    ['export', '--format', 'ndjson', '--hours', '6'],
    ['export', '--format', 'csv', '--hours', '6', '--backend', 'disk'],
    ['usage', '--from', '-3h', '--to', '-30m', '--timezone', 'Asia/Kolkata'],
    ['details', '--from', '-150m', '--to', '-1h', '--timezone', 'America/New_York', '--limit', '1000'],
    ['export', '--format', 'ndjson', '--from', 'yesterday', '--timezone', 'UTC'],
  ])('%s %s %s', async (...argv) => {
    const { local, remote } = await both(...argv);
    expect(remote).toBe(local);
    expect(local.length).toBeGreaterThan(50);
  });

  it('the JSON totals equal the sums of what was recorded', async () => {
    const { local } = await both('details', '--hours', '6', '--limit', '1000', '--json');
    const page = JSON.parse(local) as { totalCount: number; events: { resourceType: string; amount: number }[] };
    const uploads = page.events.filter((e) => e.resourceType === 'bandwidth_upload');
    expect(uploads).toHaveLength(120);
    expect(uploads.reduce((s, e) => s + e.amount, 0)).toBe(120 * 1000 + 17 * ((119 * 120) / 2));
    expect(page.totalCount).toBe(page.events.length);
  });

  it('track --endpoint records through the API (UUIDv7 id); the local file sees it', async () => {
    const sent = await runBinary([
      'track',
      'upload',
      'remote',
      'lassie',
      '1.5KiB',
      '--path',
      'bafy',
      '--endpoint',
      api.url,
    ]);
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect(sent.stdout).toBe(`Recorded upload of 1.50 KiB for remote (lassie) in ${api.url}.\n`);
    const seen = await runCli(['details', '--backend', 'remote', '--json', '--db', db], { now: Date.now() + 1000 });
    const events = (JSON.parse(seen.stdout) as { events: { id: string; amount: number; path: string }[] }).events;
    expect(events).toEqual([expect.objectContaining({ amount: 1536, path: 'bafy' })]);
    expect(events[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);

    const refused = await runBinary(['track', 'api-call', 'remote', 's3'], { BYTEMETER_ENDPOINT: api.url });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is of type "lassie", not "s3"/);
  });
});

describe('the bytemeter binary: exit codes and messages that say what to do', () => {
  let api: ApiProcess;
  let secrets: { read: string };

  beforeAll(async () => {
    api = await startApiProcess();
    const store = await openTokenStore({ path: api.dbPath });
    secrets = { read: (await store.create({ scopes: 'read' })).secret };
    await store.close();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('bad usage exits 2 and names the fix; nothing is created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-cli-usage-'));
    const db = join(dir, 'never.db');
    const cases: [string[], RegExp][] = [
      [['usage', '--bogus'], /^bytemeter usage: unknown flag --bogus\. Run `bytemeter usage --help`/],
      [['usage', '--period', 'year'], /--period must be one of hour, day, week, month; got "year"/],
      [['details', '--hours', '-3'], /--hours must be a positive number of hours \(e\.g\. 24 or 0\.5\); got "-3"\./],
      [['export', '--hours', '-5'], /--hours must be a positive number of hours .*; got "-5"\./],
      [['usage', '--endpoint', 'not-a-url'], /--endpoint must be an http:\/\/ or https:\/\/ URL.*got "not-a-url"/],
      [['status'], /BYTEMETER_ENDPOINT must be an http:\/\/ or https:\/\/ URL.*got "ftp:\/\/x"/],
      [['export', '--format', 'xml'], /--format must be one of json, csv, ndjson/],
      [['track', 'upload', 'b', 's3', 'lots'], /Bytes must be a non-negative whole number/],
      [['track', 'upload', 'b', 'dropbox', '5'], /--type must be one of s3, ipfs/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['usage', '--endpoint', api.url], /Give either --db .* or --endpoint/],
    ];
    const results = await Promise.all(
      cases.map(([argv]) =>
        argv.includes('--endpoint') && !argv.includes(api.url)
          ? runBinary(argv)
          : argv[0] === 'status'
            ? runBinary(argv, { BYTEMETER_ENDPOINT: 'ftp://x' })
            : runBinary([...argv, '--db', db]),
      ),
    );
    cases.forEach(([argv, message], i) => {
      const r = results[i]!;
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
      // One prefix, naming the command, and every negative number quoted as typed.
      expect(r.stderr, argv.join(' ')).not.toMatch(/bytemeter \w+: bytemeter|neg\d/);
    });
    const { existsSync } = await import('node:fs');
    expect(existsSync(db)).toBe(false);
  });

  it('an unreachable server exits 3', async () => {
    const r = await runBinary(['status', '--endpoint', 'http://127.0.0.1:9']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Cannot reach the bytemeter API at http:\/\/127\.0\.0\.1:9\/graphql/);
  });

  it('a missing or weak token exits 4 and says how to get one; a good one works', async () => {
    const missing = await runBinary(['usage', '--endpoint', api.url]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(
      /The server needs a token.*--token T or set BYTEMETER_TOKEN.*bytemeter token create/,
    );
    const weak = await runBinary(['track', 'api-call', 'b', 's3', '--endpoint', api.url, '--token', secrets.read]);
    expect(weak.code).toBe(4);
    expect(weak.stderr).toMatch(/lacks the "ingest" scope/);
    const ok = await runBinary(['status', '--json'], { BYTEMETER_ENDPOINT: api.url, BYTEMETER_TOKEN: secrets.read });
    expect(ok).toMatchObject({ code: 0, stdout: '{}\n' });
  });

  it('--help exits 0 and lists every command', async () => {
    const r = await runBinary(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['usage', 'details', 'status', 'export', 'track', 'token']) {
      expect(r.stdout).toContain(`bytemeter ${command}`);
    }
  });
});
