import type { ApiToken } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { RevocationWatch } from '../src/auth/revocation-watch.js';

/** A token table in memory: the watch only lists it. */
function table() {
  const rows: ApiToken[] = [];
  return {
    list: async () => rows.map((r) => ({ ...r })),
    add(id: number) {
      rows.push({ id, name: null, scopes: ['read'], createdAt: '2026-11-27T00:00:00.000Z', revokedAt: null });
    },
    revoke(id: number) {
      const row = rows.find((r) => r.id === id);
      if (row) row.revokedAt = '2026-11-27T01:00:00.000Z';
    },
  };
}

describe('RevocationWatch', () => {
  it('calls back once for a revoked token and leaves the others', async () => {
    const tokens = table();
    tokens.add(1);
    tokens.add(2);
    const watch = new RevocationWatch(tokens);
    const ended: string[] = [];
    watch.watch(1, () => ended.push('one'));
    watch.watch(2, () => ended.push('two'));
    await watch.check();
    expect(ended).toEqual([]);
    tokens.revoke(1);
    await watch.check();
    await watch.check();
    expect(ended).toEqual(['one']);
    expect(watch.size).toBe(1);
    watch.close();
  });

  it('ends open access when the first token is created, and at once when tokens are required', async () => {
    const tokens = table();
    const loopback = new RevocationWatch(tokens);
    const network = new RevocationWatch(tokens, { requireToken: true });
    const ended: string[] = [];
    loopback.watch(null, () => ended.push('loopback'));
    network.watch(null, () => ended.push('network'));
    await loopback.check();
    await network.check();
    expect(ended).toEqual(['network']);
    tokens.add(1);
    await loopback.check();
    expect(ended).toEqual(['network', 'loopback']);
  });

  it('stops watching on unwatch, and keeps its streams when the table cannot be read', async () => {
    const tokens = table();
    tokens.add(1);
    const watch = new RevocationWatch({
      list: async () => {
        throw new Error('database is locked');
      },
    });
    const ended: number[] = [];
    const unwatch = watch.watch(1, () => ended.push(1));
    const write = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await watch.check();
    } finally {
      process.stderr.write = write;
    }
    expect(ended).toEqual([]);
    unwatch();
    expect(watch.size).toBe(0);
  });
});
