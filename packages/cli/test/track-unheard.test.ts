import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from './support/postgres.js';
import { runCli } from './support/run-cli.js';

// A write whose COMMIT reached PostgreSQL and committed, but whose answer was lost with the connection (a
// server restart, a network cut). Before, the local `track` event had no id: close()'s retry stored a second
// copy (exit 5 "may be counted twice"), a retry refused because the first copy was stored said "nothing
// stored" (exit 2), a duplicate under --id still exited 5, and socket errors such as EPIPE or a TLS error
// counted as "nothing sent" (exit 1, "run it again"), the message quoting the retry's error.

const NOW = Date.now();

afterEach(() => {
  vi.restoreAllMocks();
});

async function rows<Row extends object>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

const storedEvents = async (url: string) =>
  Number((await rows<{ n: string }>(url, 'select count(*) as n from events'))[0]?.n);

/**
 * The first write's COMMIT is sent and committed, then the client sees `broken` instead of the answer;
 * every query after it rejects with `after` when given (the server is down), else runs.
 */
function commitThenBreak(broken: Error, after?: Error): void {
  const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  let writer: pg.Client | undefined;
  let dropped = false;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    if (dropped && after) return Promise.reject(after);
    const text = typeof args[0] === 'string' ? args[0] : '';
    // The events' write (the statement that numbers and inserts them) and its own COMMIT, on its client: a
    // background read's script on another pooled client also ends in COMMIT and must not be the one broken.
    if (writer === undefined && /with ids as/i.test(text)) writer = this;
    const result = query.apply(this, args);
    if (!dropped && this === writer && /\bcommit;?$/i.test(text.trim()) && result instanceof Promise) {
      dropped = true;
      return result.then(() => Promise.reject(broken));
    }
    return result;
  } as never);
}

const terminated = () => new Error('Connection terminated unexpectedly');
const track = (url: string, ...args: string[]) => runCli(['track', ...args, '--db', url], { now: NOW, env: {} });

describe('bytemeter track when a write committed unheard (PostgreSQL)', () => {
  it.each([[[]], [['--id', 'op-42']]])('close() retries it as a duplicate: stored once, exit 0 (%j)', async (id) => {
    const url = await createTestDatabase('unheard_once');
    commitThenBreak(terminated());
    const r = await track(url, 'api-call', 'calls', 's3', ...id);
    vi.restoreAllMocks();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await storedEvents(url)).toBe(1);
  });

  it('a storage delete retried after its commit went unheard is a duplicate, not refused as below zero', async () => {
    const url = await createTestDatabase('unheard_below_zero');
    expect((await track(url, 'storage', 'photos', 's3', '100')).code).toBe(0);
    commitThenBreak(terminated());
    const r = await track(url, 'storage', 'photos', 's3', '-100');
    vi.restoreAllMocks();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await rows(url, 'select storage_level from backend_state')).toEqual([{ storage_level: '0' }]);
  });

  it('a refusal on the retry after a lost connection is exit 5, not "nothing stored" (exit 2)', async () => {
    const url = await createTestDatabase('unheard_refused');
    expect((await track(url, 'storage', 'photos', 's3', '50')).code).toBe(0);
    commitThenBreak(terminated());
    const r = await track(url, 'storage', 'photos', 's3', '-100');
    vi.restoreAllMocks();
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Whether the event was stored is unknown: .*\(Connection terminated unexpectedly\)/);
  });

  it.each(['EPIPE', 'ECONNRESET', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'])(
    'a socket or TLS error (%s) after the COMMIT went out, then a refused reconnect: exit 5 quoting the first error',
    async (code) => {
      const url = await createTestDatabase(`unheard_${code}`);
      expect((await track(url, 'api-call', 'calls', 's3')).code).toBe(0);
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      commitThenBreak(Object.assign(new Error(`write ${code}`), { code }), refused);
      const r = await track(url, 'api-call', 'calls', 's3');
      vi.restoreAllMocks();
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(
        new RegExp(`stored is unknown: .*\\(write ${code}\\).* run the same command again with --id [0-9a-f-]{36}`),
      );
      expect(r.stderr).not.toMatch(/ECONNREFUSED/);
      expect(await storedEvents(url)).toBe(2);
    },
  );
});
