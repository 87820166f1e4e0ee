import { openTokenStore, type TokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built server as its own process (build first): the auth mode is decided by the real bind address.
import { type ApiProcess, startApiProcess } from '../dist/testing/start-api-process.js';
import { TOKEN_CACHE_MAX_AGE_MS } from '../src/auth/token-cache.js';
import { DIALECT, type TestStore, testStore } from './support/harness.js';

const QUERY = JSON.stringify({ query: '{ backends { name } }' });

async function post(url: string, token?: string, host?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(host ? { host } : {}),
    },
    body: QUERY,
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, codes: (body.errors ?? []).map((e) => e.extensions?.code), data: body.data };
}

describe('a server bound to a non-loopback address (0.0.0.0), as its own process', () => {
  let db: TestStore;
  let cli: TokenStore;
  let api: ApiProcess;
  let first: { id: number; secret: string };

  beforeAll(async () => {
    // The CLI's view of the database: tokens are created and revoked from another process's connection.
    db = await testStore('network');
    cli = await openTokenStore(db.options);
    first = await cli.create({ scopes: 'read' });
    api = await startApiProcess({ dbPath: db.path, databaseUrl: db.databaseUrl, host: '0.0.0.0' });
  });
  afterAll(async () => {
    await api?.stop();
    await cli?.close();
    db.cleanup();
  });

  it('serves a valid token and refuses a request without one', async () => {
    expect(await post(api.url, first.secret)).toMatchObject({ status: 200, codes: [] });
    expect(await post(api.url)).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
  });

  it('keeps refusing everyone after the last token is revoked (never falls back to open access)', async () => {
    expect(await cli.revoke(first.id)).toBe(true);
    expect((await cli.list()).filter((t) => t.revokedAt === null)).toEqual([]);
    // On PostgreSQL a revoke reaches a server within the token cache's age bound (no file to watch).
    if (DIALECT === 'postgres') await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MAX_AGE_MS));
    const refusedNow = async () => {
      expect(await post(api.url)).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
      expect(await post(api.url, first.secret)).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
      expect(await post(api.url, undefined, 'evil.example')).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
      const exported = await fetch(`${api.url}/export?format=csv`);
      expect(exported.status).toBe(401);
    };
    await refusedNow();
    // And still after the token cache's age bound has passed, when every answer has been re-read.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await refusedNow();
  });

  it('serves again once a new token exists, and only with it', async () => {
    const next = await cli.create({ scopes: 'read' });
    expect(await post(api.url, next.secret)).toMatchObject({ status: 200, codes: [] });
    expect(await post(api.url)).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
  });
});
