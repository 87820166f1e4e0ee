import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BytemeterError, TotalLimitError } from '@bytemeter/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../src/cli-error.js';
import { explain } from '../src/run.js';
import { createTestDatabase } from './support/postgres.js';
import { runCli } from './support/run-cli.js';

// run() takes the environment it is given for the database, not the process's. Before: without --db the
// tracker's defaults read process.env (a test's run() wrote into ~/.bytemeter/tracker.db), and a --db file
// gave way to the process's $BYTEMETER_DATABASE_URL.

const NOW = Date.now();

afterEach(() => {
  vi.unstubAllEnvs();
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bm-cli-default-db-'));
}

function storedEvents(path: string): number {
  const db = new DatabaseSync(path);
  try {
    return Number((db.prepare('select count(*) as n from events').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe('the database of run()', () => {
  it("is run()'s $BYTEMETER_DB without --db, never the process's default file", async () => {
    const home = tempDir();
    // Where the process's default would be: a home of the test's own, so a failure writes nothing real.
    vi.stubEnv('HOME', home);
    vi.stubEnv('BYTEMETER_DB', '');
    vi.stubEnv('BYTEMETER_DATABASE_URL', '');
    const file = join(tempDir(), 'env.db');
    const r = await runCli(['track', 'api-call', 'calls', 's3'], { now: NOW, env: { BYTEMETER_DB: file } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(storedEvents(file)).toBe(1);
    expect(existsSync(join(home, '.bytemeter'))).toBe(false);
  });

  it("is run()'s $BYTEMETER_DATABASE_URL without --db", async () => {
    const url = await createTestDatabase('env_url');
    vi.stubEnv('HOME', tempDir());
    vi.stubEnv('BYTEMETER_DATABASE_URL', '');
    const r = await runCli(['track', 'api-call', 'calls', 's3'], { now: NOW, env: { BYTEMETER_DATABASE_URL: url } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/ in postgres:\/\//);
  });

  it('is the --db file even when the process has $BYTEMETER_DATABASE_URL', async () => {
    const url = await createTestDatabase('env_url_ignored');
    vi.stubEnv('BYTEMETER_DATABASE_URL', url);
    const file = join(tempDir(), 'flag.db');
    const r = await runCli(['track', 'api-call', 'calls', 's3', '--db', file], { now: NOW, env: {} });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(storedEvents(file)).toBe(1);
  });
});

describe('TOTAL_TOO_LARGE', () => {
  it('is bad input (exit 2) for track, whose event it refused, and a failure (exit 1) for a read', () => {
    const refused = new TotalLimitError('big', 'bandwidth_upload', Number.MAX_SAFE_INTEGER, 1);
    expect(explain(refused, undefined, 'track').code).toBe(EXIT.USAGE);
    const read = new BytemeterError(
      'TOTAL_TOO_LARGE',
      'The cost of all backends passes 2^53 − 1 micros; ask per backend.',
    );
    expect(explain(read, undefined, 'cost').code).toBe(EXIT.FAILURE);
  });
});
