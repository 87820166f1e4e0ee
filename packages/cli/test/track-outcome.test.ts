import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ResourceTracker } from '@bytemeter/tracker';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from './support/postgres.js';
import { runBinary, runCli } from './support/run-cli.js';

// `bytemeter track` answers for what was stored. Before: when the flush's write failed and the close()
// after it wrote the event, the command still printed the flush's error and exited 1, so the user ran it
// again and the event was counted twice; a write the PostgreSQL connection broke under was reported as a
// plain failure, though the database may have committed it.

const NOW = Date.now();

afterEach(() => {
  vi.restoreAllMocks();
});

function sqliteFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bm-cli-track-')), 'track.db');
}

function sqlite(path: string, text: string): number {
  const db = new DatabaseSync(path);
  try {
    db.exec(text);
    return Number((db.prepare('select count(*) as n from events').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

const REFUSE_SQLITE =
  "create trigger refuse_write before insert on events begin select raise(abort, 'write refused by the test'); end";

describe('bytemeter track on SQLite', () => {
  const track = (path: string) => runCli(['track', 'api-call', 'calls', 's3', '--db', path], { now: NOW });

  it('exits 0 when the flush fails and the close() after it stores the event, which is then counted once', async () => {
    const path = sqliteFile();
    expect((await track(path)).code).toBe(0);
    sqlite(path, REFUSE_SQLITE);
    // What made the flush fail is gone by the time close() writes again (a lock released, space freed).
    const close = ResourceTracker.prototype.close;
    vi.spyOn(ResourceTracker.prototype, 'close').mockImplementationOnce(function (this: ResourceTracker) {
      sqlite(path, 'drop trigger refuse_write');
      return close.call(this);
    });
    const r = await track(path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Recorded an API call for calls \(s3\)/);
    expect(sqlite(path, '')).toBe(2);
  });

  it('exits 1 and says running it again is safe when neither write stored the event', async () => {
    const path = sqliteFile();
    expect((await track(path)).code).toBe(0);
    sqlite(path, REFUSE_SQLITE);
    const r = await track(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The event was not stored: write refused by the test/);
    expect(r.stderr).toMatch(/running the command again records it once/);
    expect(sqlite(path, 'drop trigger refuse_write')).toBe(1);
    expect((await track(path)).code).toBe(0);
    expect(sqlite(path, '')).toBe(2);
  });

  it('a refused event exits 2 with its typed error and stores nothing', async () => {
    const path = sqliteFile();
    const big = String(Number.MAX_SAFE_INTEGER);
    expect((await runCli(['track', 'upload', 'a', 's3', big, '--db', path], { now: NOW })).code).toBe(0);
    const r = await runCli(['track', 'upload', 'b', 's3', big, '--db', path], { now: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would pass 2\^53 - 1.*the event was refused/);
    expect(sqlite(path, '')).toBe(1);
  });
});

/** Runs SQL on a PostgreSQL database through its own connection, and returns how many raw events it holds. */
async function postgres(url: string, text: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (text) await client.query(text);
    return Number((await client.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** A trigger on raw events running `body` (plpgsql) before each insert statement; `attempts` counts them. */
function beforeInsert(body: string): string {
  return `create sequence attempts;
    create function before_insert() returns trigger language plpgsql as $$ begin ${body} return null; end $$;
    create trigger before_insert before insert on events for each statement execute function before_insert()`;
}

/** Ends the writing session itself, as a server restart or a dropped network would. */
const BREAK_CONNECTION = 'perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5);';

describe('bytemeter track on PostgreSQL (BYTEMETER_DATABASE_URL)', () => {
  async function migrated(label: string) {
    const url = await createTestDatabase(label);
    const env = { BYTEMETER_DATABASE_URL: url };
    const track = () => runBinary(['track', 'api-call', 'calls', 's3'], env);
    expect((await track()).code).toBe(0);
    return { url, track };
  }

  it('exits 0 when the first write is refused and the one made while closing stores the event', async () => {
    const { url, track } = await migrated('track_retry');
    await postgres(
      url,
      beforeInsert("if nextval('attempts') = 1 then raise exception 'refused once by the test'; end if;"),
    );
    const r = await track();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Recorded an API call for calls \(s3\) in postgres:\/\//);
    expect(await postgres(url, '')).toBe(2);
  });

  it('exits 5 and says the outcome is unknown when the connection breaks under every write', async () => {
    const { url, track } = await migrated('track_unknown');
    await postgres(url, beforeInsert(BREAK_CONNECTION));
    const r = await track();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Whether the event was stored is unknown: the connection to PostgreSQL broke/);
    expect(r.stderr).toMatch(/--id/);
    expect(await postgres(url, '')).toBe(1);
  });

  it('exits 0 when a broken write was followed by one that stored it: the event has an id, so it is there once', async () => {
    const { url, track } = await migrated('track_twice');
    await postgres(url, beforeInsert(`if nextval('attempts') = 1 then ${BREAK_CONNECTION} end if;`));
    const r = await track();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await postgres(url, '')).toBe(2);
  });
});
