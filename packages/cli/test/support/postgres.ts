import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  // Provided by the tracker's test setup (../tracker/test/setup/postgres-server.ts, see vitest.config.ts).
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDatabasePrefix: string;
  }
}

let counter = 0;

/**
 * A new, empty PostgreSQL database on the run's server; dropped with every database of the run at its end.
 * @example const url = await createTestDatabase('copy')
 */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `${inject('pgDatabasePrefix')}cli_${process.pid}_${counter++}_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}
