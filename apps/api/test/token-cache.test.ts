import { openTokenStore, type TokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedTokenLookup, sqliteChangeProbe, TOKEN_CACHE_MAX_AGE_MS } from '../src/auth/token-cache.js';
import { tempDbPath } from './support/harness.js';

describe('cachedTokenLookup', () => {
  const db = tempDbPath();
  let store: TokenStore;
  beforeAll(async () => {
    store = await openTokenStore({ path: db.path });
  });
  afterAll(async () => {
    await store.close();
    db.cleanup();
  });

  it('re-reads as soon as a commit changes the WAL', async () => {
    const lookup = cachedTokenLookup(store, sqliteChangeProbe(db.path));
    expect(await lookup.hasTokens()).toBe(false);
    const { id, secret } = await store.create({ scopes: 'read' });
    expect(await lookup.hasTokens()).toBe(true);
    expect((await lookup.verify(secret))?.id).toBe(id);
    await store.revoke(id);
    expect(await lookup.verify(secret)).toBeNull();
    expect(await lookup.hasTokens()).toBe(false);
  });

  it('trusts an answer no longer than the max age even when the files look unchanged', async () => {
    let now = 0;
    // A probe that never sees a change: the case the age bound exists for.
    const lookup = cachedTokenLookup(store, () => 'unchanged', { now: () => now });
    const { id, secret } = await store.create({ scopes: 'read' });
    expect((await lookup.verify(secret))?.id).toBe(id);
    await store.revoke(id);
    now = TOKEN_CACHE_MAX_AGE_MS - 1;
    expect((await lookup.verify(secret))?.id).toBe(id);
    now = TOKEN_CACHE_MAX_AGE_MS;
    expect(await lookup.verify(secret)).toBeNull();
  });
});
