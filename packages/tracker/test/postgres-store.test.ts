import { afterEach, describe, expect, it } from 'vitest';
import { parseExactInteger } from '../src/db/open-postgres.js';
import { openResourceTracker, UnsafeIntegerError } from '../src/index.js';
import { createTestDatabase } from './support/postgres.js';
import { queryStore } from './support/stores.js';

// What only PostgreSQL has: how a tracker is pointed at it, and how its bigint results become numbers.
// Everything else (totals, ids, levels, windows, retention, exit) runs on both dialects in the other suites.

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('opening a tracker on PostgreSQL', () => {
  const saved = process.env.BYTEMETER_DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.BYTEMETER_DATABASE_URL;
    else process.env.BYTEMETER_DATABASE_URL = saved;
  });

  it('BYTEMETER_DATABASE_URL opens the database, overriding path; path shows the URL without its password', async () => {
    const databaseUrl = await createTestDatabase('env');
    const withPassword = new URL(databaseUrl);
    withPassword.password = 'not-needed-with-trust-auth';
    process.env.BYTEMETER_DATABASE_URL = withPassword.toString();
    const t = openResourceTracker({ path: '/nonexistent-dir/never-created.db', clock: () => NOW, flushOnExit: false });
    try {
      expect(t.path).not.toContain('not-needed');
      expect(t.path).toContain(new URL(databaseUrl).pathname);
      t.trackBandwidthUpload('b', 's3', 5, { timestamp: NOW - 1000 });
      expect(await t.flush()).toEqual({ written: 1, duplicates: 0 });
    } finally {
      await t.close();
    }
    const rows = await queryStore<{ amount: number }>({ databaseUrl }, 'select amount from events');
    expect(rows.map((r) => Number(r.amount))).toEqual([5]);
  });

  it('refuses a databaseUrl that is not a postgres:// URL, before opening anything', () => {
    expect(() => openResourceTracker({ databaseUrl: 'mysql://localhost/x', flushOnExit: false })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('bigint results', () => {
  it('parse to exact integers up to 2^53 - 1 and are refused past it, never rounded', () => {
    expect(parseExactInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseExactInteger('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseExactInteger('0')).toBe(0);
    for (const text of ['9007199254740992', '-9007199254740992', '18446744073709551615', '1.5']) {
      expect(() => parseExactInteger(text)).toThrow(UnsafeIntegerError);
    }
  });

  it('a stored sum past 2^53 - 1 fails the read with TOTAL_TOO_LARGE instead of answering a rounded total', async () => {
    const databaseUrl = await createTestDatabase('bigint');
    const t = openResourceTracker({ databaseUrl, clock: () => NOW, flushOnExit: false });
    try {
      t.trackBandwidthUpload('b', 's3', Number.MAX_SAFE_INTEGER - 10, { timestamp: NOW - 1000 });
      expect((await t.getResourceSummary()).totals.bandwidthUpload).toBe(Number.MAX_SAFE_INTEGER - 10);
      // Written behind the tracker's back: ingest itself never lets a total pass the limit.
      await queryStore({ databaseUrl }, 'update rollups set total = total + 20');
      await expect(t.getResourceSummary()).rejects.toMatchObject({ code: 'TOTAL_TOO_LARGE' });
    } finally {
      await t.close();
    }
  });
});
