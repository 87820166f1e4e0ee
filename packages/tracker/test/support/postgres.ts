import pg from 'pg';
import { inject } from 'vitest';

let counter = 0;

/**
 * Creates a new, empty PostgreSQL database for one test and returns its URL. The run's global setup
 * (test/setup/postgres-server.ts) drops every database it created when the run ends.
 * @example const url = await createTestDatabase('idempotency'); openResourceTracker({ databaseUrl: url })
 */
export async function createTestDatabase(label: string): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const name = `${inject('pgDatabasePrefix')}${process.pid}_${counter++}_${safeLabel}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase (its connections must be closed, or are ended by force). */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
