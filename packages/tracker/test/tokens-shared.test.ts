import { expect, it } from 'vitest';
import { openTokenStore } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Tokens live in the usage database: every process on it (API replicas, the CLI) sees one set of tokens.

async function within(ms: number, check: () => boolean, what: string): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`Not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}

describeEachDialect('tokens-shared', (dialect) => {
  it('a token created through one store verifies, lists and revokes through another', async () => {
    const where = await newStore('tokens');
    const a = await openTokenStore({ ...where });
    const b = await openTokenStore({ ...where });
    try {
      expect(await b.hasTokens()).toBe(false);
      const token = await a.create({ scopes: 'read', name: 'shared' });
      expect(await b.hasTokens()).toBe(true);
      expect(await b.verify(token.secret)).toEqual({ id: token.id, scopes: ['read'] });
      expect((await b.list()).map((t) => t.name)).toEqual(['shared']);
      expect(await b.revoke(token.id)).toBe(true);
      expect(await a.verify(token.secret)).toBeNull();
      expect(await a.revoke(token.id)).toBe(false);
      expect(a.location).toBe(where.databaseUrl ? b.location : where.path);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a database URL that is not PostgreSQL', async () => {
    await expect(openTokenStore({ databaseUrl: 'mysql://x' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  if (dialect === 'postgres') {
    it('tells another process of a create and a revoke as they commit (a notification, no polling)', async () => {
      const where = await newStore('probe');
      const a = await openTokenStore({ ...where });
      const b = await openTokenStore({ ...where });
      try {
        const probe = b.changeProbe()!;
        // Until its LISTEN connection is open, every call differs: nothing may be cached meanwhile.
        expect(probe()).not.toBe(probe());
        await within(5000, () => !probe().startsWith('unheard'), 'the listener to open');
        const quiet = probe();
        expect(probe()).toBe(quiet);
        const token = await a.create({ scopes: 'read' });
        await within(1000, () => probe() !== quiet, 'the create to be heard');
        const created = probe();
        await a.revoke(token.id);
        const heardAfter = await within(1000, () => probe() !== created, 'the revoke to be heard');
        expect(heardAfter).toBeLessThan(1000);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  } else {
    it('has no change probe on SQLite (the file itself tells of a change)', async () => {
      const store = await openTokenStore({ ...(await newStore('probe')) });
      expect(store.changeProbe()).toBeNull();
      await store.close();
    });
  }
});
