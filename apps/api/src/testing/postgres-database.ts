import pg from 'pg';

/**
 * Creates an empty PostgreSQL database named `name` on the server of `adminUrl` and returns its URL, for
 * tests of API replicas on one database. The caller drops it (the tracker's vitest globalSetup drops every
 * database of its run's prefix at teardown).
 * @example const url = await createPostgresDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'bm_t1')
 */
export async function createPostgresDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`A test database name is 1-63 of [a-z0-9_]; got "${name}".`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
