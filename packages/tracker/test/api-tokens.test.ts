import { describe, expect, it } from 'vitest';
import { hasScope, openResourceTracker, openTokenStore, parseScopes, ValidationError } from '../src/index.js';
import { tempDbPaths } from './support/temp-db.js';

const dbPath = tempDbPaths('api-tokens');

describe('API tokens', () => {
  it('are created with a secret shown once, stored hashed, verified and revoked', async () => {
    const path = dbPath('tokens.db');
    const store = await openTokenStore({ path });
    expect(await store.hasTokens()).toBe(false);
    const token = await store.create({ scopes: 'ingest,read', name: 'ci' });
    expect(token.secret).toMatch(/^bm_[A-Za-z0-9_-]{43}$/);
    expect(token.scopes).toEqual(['read', 'ingest']);
    expect(await store.hasTokens()).toBe(true);
    expect(await store.verify(token.secret)).toEqual({ id: token.id, scopes: ['read', 'ingest'] });
    expect(await store.verify(`${token.secret}x`)).toBeNull();
    expect(await store.list()).toEqual([
      { id: token.id, name: 'ci', scopes: ['read', 'ingest'], createdAt: token.createdAt, revokedAt: null },
    ]);
    expect(await store.revoke(token.id)).toBe(true);
    expect(await store.revoke(token.id)).toBe(false);
    expect(await store.verify(token.secret)).toBeNull();
    expect(await store.hasTokens()).toBe(false);
    await store.close();
  });

  it('never stores the secret itself', async () => {
    const path = dbPath('hashed.db');
    const store = await openTokenStore({ path });
    const { secret } = await store.create({ scopes: ['admin'] });
    await store.close();
    const { readFileSync } = await import('node:fs');
    const files = [path, `${path}-wal`].flatMap((p) => {
      try {
        return [readFileSync(p).toString('latin1')];
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(0);
    for (const content of files) expect(content.includes(secret)).toBe(false);
  });

  it('live beside usage data in the same file', async () => {
    const path = dbPath('shared.db');
    const tracker = openResourceTracker({ path, flushOnExit: false });
    tracker.trackApiCall('a', 's3');
    await tracker.flush();
    const store = await openTokenStore({ path });
    await store.create({ scopes: 'read' });
    expect((await tracker.getBackends()).map((b) => b.name)).toEqual(['a']);
    await Promise.all([store.close(), tracker.close()]);
  });

  it('parse scopes strictly; admin implies every scope', () => {
    expect(parseScopes(' read , read,admin')).toEqual(['read', 'admin']);
    expect(() => parseScopes('read,write')).toThrow(ValidationError);
    expect(() => parseScopes('')).toThrow(expect.objectContaining({ code: 'INVALID_SCOPE' }));
    expect(hasScope(['admin'], 'ingest')).toBe(true);
    expect(hasScope(['read'], 'ingest')).toBe(false);
  });
});
