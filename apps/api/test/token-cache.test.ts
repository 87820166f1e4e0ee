import { openTokenStore, type TokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedTokenLookup, sqliteChangeProbe, TOKEN_CACHE_MAX_AGE_MS } from '../src/auth/token-cache.js';
import { DIALECT, type TestStore, testStore } from './support/harness.js';

/** Polls an async condition every 10 ms; throws after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`cachedTokenLookup (${DIALECT})`, () => {
  let db: TestStore;
  /** The store the API reads through (and caches). */
  let store: TokenStore;
  /** Another process's store on the same database: the CLI, or another replica. */
  let other: TokenStore;
  beforeAll(async () => {
    db = await testStore('tokencache');
    store = await openTokenStore(db.options);
    other = await openTokenStore(db.options);
  });
  afterAll(async () => {
    await other.close();
    await store.close();
    db.cleanup();
  });

  /**
   * What the API probes (create-api.ts): SQLite's WAL file, or PostgreSQL's token notifications, heard on
   * a LISTEN connection that is open before the test starts (until then nothing is cached at all).
   */
  async function openedProbe(): Promise<() => string> {
    if (DIALECT === 'sqlite') return sqliteChangeProbe(db.path);
    const probe = store.changeProbe()!;
    await eventually(async () => !probe().startsWith('unheard'), 5000);
    return probe;
  }

  it("re-reads as soon as another process's create or revoke commits, long before the age bound", async () => {
    // An age bound no test waits for: only the change probe can make the lookup re-read.
    const lookup = cachedTokenLookup(store, await openedProbe(), { maxAgeMs: 60_000 });
    expect(await lookup.hasTokens()).toBe(false);
    const { id, secret } = await other.create({ scopes: 'read' });
    // SQLite: the very next request (the file changed at commit); PostgreSQL: once the notification,
    // sent at commit, is heard (a few ms, asynchronously).
    const bound = DIALECT === 'sqlite' ? 0 : 1000;
    await eventually(() => lookup.hasTokens(), bound);
    expect((await lookup.verify(secret))?.id).toBe(id);
    await other.revoke(id);
    await eventually(async () => (await lookup.verify(secret)) === null, bound);
    expect(await lookup.hasTokens()).toBe(false);
  });

  it('keeps answers while nothing changes', async () => {
    const lookup = cachedTokenLookup(store, await openedProbe(), { maxAgeMs: 60_000 });
    const { id, secret } = await other.create({ scopes: 'read' });
    await eventually(async () => (await lookup.verify(secret))?.id === id, 1000);
    let reads = 0;
    const counting = {
      hasTokens: () => store.hasTokens(),
      verify: (s: string) => {
        reads++;
        return store.verify(s);
      },
    };
    const counted = cachedTokenLookup(counting, await openedProbe(), { maxAgeMs: 60_000 });
    for (let i = 0; i < 5; i++) expect((await counted.verify(secret))?.id).toBe(id);
    expect(reads).toBe(1);
    await other.revoke(id);
  });

  it('trusts an answer no longer than the max age even when the database looks unchanged', async () => {
    let now = 0;
    // A probe that never sees a change: the case the age bound exists for.
    const lookup = cachedTokenLookup(store, () => 'unchanged', { now: () => now });
    const { id, secret } = await other.create({ scopes: 'read' });
    expect((await lookup.verify(secret))?.id).toBe(id);
    await other.revoke(id);
    now = TOKEN_CACHE_MAX_AGE_MS - 1;
    expect((await lookup.verify(secret))?.id).toBe(id);
    now = TOKEN_CACHE_MAX_AGE_MS;
    expect(await lookup.verify(secret)).toBeNull();
  });
});
