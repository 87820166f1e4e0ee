import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/open-postgres.js';
import { KyselyRunner } from '../src/db/runner.js';
import { openResourceTracker, type ResourceTracker, type TrackEvent } from '../src/index.js';
import { queriesDuring } from './support/pg-queries.js';
import { createTestDatabase } from './support/postgres.js';

// PostgreSQL only: what a write transaction's sessions show the server and how they fail. User text must not
// be in a statement's text (the server logs a failed statement's text, and pg_stat_activity shows it); a
// resend of stored keys takes no lock a live writer holds; a session the server ends fails its batch only.

const NOW = Date.UTC(2026, 11, 3, 12);
const EMAIL = 'alice@example.com';
const PATH = '/private/alice-tax-return.pdf';
const OPERATION = 'op-alice-7f3e9c';

const keyed = (from: number, n: number, extra: Partial<TrackEvent> = {}): TrackEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    backend: 'photos',
    backendType: 's3',
    resourceType: 'bandwidth_upload',
    amount: from + i + 1,
    timestamp: NOW - 1000 + i,
    id: `0190f5a2-7c4e-7b3a-8f00-${String(from + i).padStart(12, '0')}`,
    ...extra,
  }));

/** The user text of these events as a statement could carry it: email, path, operation id, keys (as given and as stored hex). */
function userTexts(events: readonly TrackEvent[]): string[] {
  const keys = events.flatMap((e) => (e.id ? [e.id, e.id.replaceAll('-', '')] : []));
  return [EMAIL, PATH, OPERATION, ...keys];
}

function expectNoUserText(texts: readonly string[], events: readonly TrackEvent[]): void {
  const leaked = texts.filter((text) => userTexts(events).some((secret) => text.includes(secret)));
  expect(leaked).toEqual([]);
}

let url: string;
let admin: pg.Client;
let tracker: ResourceTracker | null;

beforeEach(async () => {
  url = await createTestDatabase('write sessions');
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  tracker = null;
});

afterEach(async () => {
  await admin.end();
  await tracker?.close();
});

/** Opens the tracker after setting the database's lock_timeout (sessions take it when they connect). */
async function open(lockTimeout: string): Promise<ResourceTracker> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await admin.query(`alter database "${name}" set lock_timeout = '${lockTimeout}'`);
  tracker = openResourceTracker({ databaseUrl: url, clock: () => NOW, flushOnExit: false });
  return tracker;
}

/** The sessions of this database waiting on a lock, once one whose query matches `pattern` waits. */
async function waitingSessions(pattern: RegExp): Promise<{ pid: number; query: string }[]> {
  for (let i = 0; i < 400; i++) {
    // `admin` may be inside the transaction holding the lock: its statistics snapshot would stay as first read.
    await admin.query('select pg_stat_clear_snapshot()');
    const { rows } = await admin.query(
      `select pid, query from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
    );
    if (rows.some((row: { query: string }) => pattern.test(row.query))) return rows;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no session waited on a lock in a query matching ${pattern}`);
}

describe('PostgreSQL write sessions', () => {
  it('send keys, metadata, paths and operation ids as parameters, also in a write that fails on the server', async () => {
    const t = await open('1s');
    await t.ingestBatch(keyed(0, 1));
    const events = keyed(10, 20, { metadata: { email: EMAIL }, path: PATH, operationId: OPERATION });
    const ok = await queriesDuring(async () => {
      expect(await t.ingestBatch(events)).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
    });
    expectNoUserText(ok, events);
    // The stored rows hold the text (it went as parameters).
    const { rows } = await admin.query('select count(*)::int as n from events where path = $1 and metadata like $2', [
      PATH,
      `%${EMAIL}%`,
    ]);
    expect(rows[0].n).toBe(20);

    // A write that fails on the server (lock timeout on the rollups another session holds): the failed
    // statement's text, which the server logs, and the waiting session's text in pg_stat_activity.
    const failing = keyed(100, 20, { metadata: { email: EMAIL }, path: PATH, operationId: OPERATION });
    await admin.query('begin');
    await admin.query('lock table rollups in exclusive mode');
    let waiting: { query: string }[] = [];
    let failure: unknown = null;
    const sent = await queriesDuring(async () => {
      const write = t.ingestBatch(failing).catch((error: unknown) => {
        failure = error;
      });
      waiting = await waitingSessions(/insert into "rollups"/);
      await write;
    });
    await admin.query('rollback');
    expect((failure as { code?: string } | null)?.code).toBe('55P03');
    expectNoUserText([...waiting.map((w) => w.query), ...sent], failing);
  });

  it('a resend of stored keys alone takes no state-row lock a live writer holds', async () => {
    const t = await open('500ms');
    const events = keyed(0, 50);
    expect(await t.ingestBatch(events)).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
    await admin.query('begin');
    await admin.query('select * from backend_state for update');
    try {
      expect(await t.ingestBatch(events)).toEqual({ accepted: 0, duplicates: 50, rejected: [] });
    } finally {
      await admin.query('rollback');
    }
    // A new event among them still locks its backend's state row and is counted.
    expect(await t.ingestBatch([...events, ...keyed(50, 1)])).toEqual({ accepted: 1, duplicates: 50, rejected: [] });
  });

  it('a write whose session the server ends fails with its error, no uncaught exception, and the next succeeds', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const t = await open('10s');
      await t.ingestBatch(keyed(0, 1));
      await admin.query('begin');
      await admin.query('select * from backend_state for update');
      const write = t.ingestBatch(keyed(10, 5)).then(
        () => null,
        (error: unknown) => error,
      );
      const waiting = await waitingSessions(/for update/);
      const { pid } = waiting.find((w) => /for update/.test(w.query))!;
      await admin.query('select pg_terminate_backend($1)', [pid]);
      const failure = await write;
      await admin.query('rollback');
      expect((failure as { code?: string } | null)?.code).toBe('57P01');
      // The client's 'error' comes with the connection's end, after the query's rejection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(uncaught).toEqual([]);
      expect(await t.ingestBatch(keyed(10, 5))).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it("a read (Kysely's pool clients) whose session the server ends fails, with no uncaught exception", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const { db } = openPostgres(url);
    try {
      // Through the read runner, as the tracker reads: its rollback after the failure keeps the client out.
      const read = new KyselyRunner(db)
        .read(function* () {
          return yield CompiledQuery.raw("select pg_sleep(10), 'read' as what");
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      let pid: number | null = null;
      for (let i = 0; i < 400 && pid === null; i++) {
        const { rows } = await admin.query(
          `select pid from pg_stat_activity where datname = current_database() and query like '%''read'' as what%'
            and pid <> pg_backend_pid()`,
        );
        pid = rows[0]?.pid ?? null;
        if (pid === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await admin.query('select pg_terminate_backend($1)', [pid]);
      expect(((await read) as { code?: string } | null)?.code).toBe('57P01');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(uncaught).toEqual([]);
      const rows = await db.executeQuery(CompiledQuery.raw('select 1 as n'));
      expect(rows.rows).toEqual([{ n: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy();
    }
  });
});
