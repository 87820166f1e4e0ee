import { expect, it } from 'vitest';
import { openTokenStore } from '../src/index.js';
import { describeEachDialect, newStore } from './support/stores.js';

// Tokens live in the usage database: every process on it (API replicas, the CLI) sees one set of tokens.

describeEachDialect('tokens-shared', () => {
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
});
