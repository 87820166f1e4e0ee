import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/postgres.js';
import { runBinary, runCli } from './support/run-cli.js';

// Every local command on a PostgreSQL database: `--db postgres://…`, or BYTEMETER_DATABASE_URL for the
// binary (the variable the API replicas and the library read).

const NOW = Date.now();

describe('the CLI on PostgreSQL', () => {
  it('records, reports and manages tokens with --db postgres://…', async () => {
    const url = await createTestDatabase('cli_pg');
    const cli = (...argv: string[]) => runCli([...argv, '--db', url], { now: NOW });
    expect((await cli('track', 'upload', 'photos', 's3', '5MiB')).code).toBe(0);
    expect((await cli('track', 'api-call', 'photos', 's3')).code).toBe(0);
    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.stringify(JSON.parse(status.stdout))).toContain('photos');
    const usage = await cli('usage', '--json');
    expect(usage.stdout).toContain(String(5 * 1024 * 1024));

    const created = await cli('token', 'create', '--scopes', 'read', '--name', 'replicas', '--json');
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { id: number; secret: string };
    expect(token.secret).toMatch(/^bm_/);
    expect((await cli('token', 'list')).stdout).toContain('replicas');
    expect((await cli('token', 'revoke', String(token.id))).code).toBe(0);
    expect(JSON.parse((await cli('token', 'list', '--json')).stdout)).toMatchObject([
      { id: token.id, revokedAt: expect.any(String) },
    ]);
  });

  it('reads BYTEMETER_DATABASE_URL as the API and the library do', async () => {
    const url = await createTestDatabase('cli_pg_env');
    const env = { BYTEMETER_DATABASE_URL: url };
    expect((await runBinary(['track', 'upload', 'pins', 'ipfs', '1KiB'], env)).stdout).toMatch(/ in postgres:\/\//);
    const status = await runBinary(['status', '--json'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('pins');
  });
});
