import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/postgres.js';
import { runCli } from './support/run-cli.js';

// `bytemeter copy` over the tracker's copyStore (whose own tests cover exactness and resuming): flags,
// the summary line, --json, the progress bar, and the exit code of each refusal.

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'bm-cli-copy-'));
const db = join(dir, 'usage.db');

describe('bytemeter copy', () => {
  beforeAll(async () => {
    const tracker = openResourceTracker({ path: db, clock: () => NOW, flushOnExit: false });
    for (let i = 0; i < 50; i++) {
      tracker.trackBandwidthUpload('photos', 's3', 1000 + i, { timestamp: NOW - i * 60_000, id: `u${i}` });
      tracker.trackApiCall('pins', 'ipfs', { timestamp: NOW - i * 90_000, success: i % 7 !== 0 });
    }
    tracker.setStorageLevel('photos', 's3', 123_456, { timestamp: NOW - 1 });
    await tracker.close();
  });

  it('copies the file named by BYTEMETER_DB, prints one summary line, and a second run only checks', async () => {
    const url = await createTestDatabase('cli_copy');
    const r = await runCli(['copy', '--to', url], { now: NOW, env: { BYTEMETER_DB: db } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Copied \d+ rows in [\d.]+ s from .*usage\.db into postgres:\/\/.* which holds 101 raw events, \d+ rollups, 50 idempotency keys, 2 backends, 2 storage levels, 0 API tokens; the counts and sums of every table are equal on both stores\.\n$/,
    );
    const again = await runCli(['copy', '--db', db, '--to', url, '--json'], { now: NOW });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      alreadyComplete: true,
      resumed: true,
      copiedThisRun: 0,
      tables: { events: 101, backends: 2, event_keys: 50 },
    });

    const reader = openResourceTracker({ databaseUrl: url, clock: () => NOW, flushOnExit: false });
    try {
      const status = await reader.getBackendStatus('photos');
      expect(status.photos?.currentStorageUsageBytes).toBe(123_456);
    } finally {
      await reader.close();
    }
  });

  it('draws a progress bar on stderr with --progress', async () => {
    const url = await createTestDatabase('cli_copy_bar');
    const r = await runCli(['copy', '--db', db, '--to', url, '--progress', '--json'], { now: NOW });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/100% \d+\/\d+ rows/);
    expect(JSON.parse(r.stdout).copiedThisRun).toBeGreaterThan(101);
  });

  it('refuses bad usage (2), an unreachable server (3) and a target holding other data (2)', async () => {
    const cases: [string[], number, RegExp][] = [
      [['copy', '--db', db], 2, /--to postgres:\/\/USER@HOST:5432\/DB is required/],
      [['copy', '--db', db, '--to', 'mysql://root@127.0.0.1/x'], 2, /postgres:\/\/ or postgresql:\/\/ URL/],
      [['copy', '--endpoint', 'http://127.0.0.1:4000', '--to', 'postgres://x@127.0.0.1/x'], 2, /local SQLite file/],
      [['copy', '--db', join(dir, 'missing.db'), '--to', 'postgres://x@127.0.0.1/x'], 2, /There is no SQLite file/],
      [['copy', '--db', db, '--to', 'postgres://postgres@127.0.0.1:1/x'], 3, /Cannot connect to postgres:\/\//],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv, { now: NOW });
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.stderr).toMatch(/^bytemeter copy: /);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const used = await createTestDatabase('cli_copy_used');
    const tracker = openResourceTracker({ databaseUrl: used, flushOnExit: false });
    tracker.trackApiCall('elsewhere', 'local');
    await tracker.close();
    const r = await runCli(['copy', '--db', db, '--to', used], { now: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds usage data: copy into an empty database/);
  });
});
