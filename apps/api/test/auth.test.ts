import { openTokenStore } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_CACHE_MAX_AGE_MS } from '../src/auth/token-cache.js';
import { startApiServer } from '../src/server.js';
import { readSettings } from '../src/settings.js';
import { codes, createTestApi, DIALECT, type TestApi, testStore } from './support/harness.js';

const QUERY = '{ backends { name } }';
const MUTATION = `mutation { trackUsage(events: [{ backend: "b", backendType: S3, resourceType: API_CALLS, amount: 1 }]) { accepted } }`;

describe('tokens and scopes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('serves without a token while no token exists', async () => {
    expect(codes(await api.execute(QUERY))).toEqual([]);
  });

  describe('once tokens exist', () => {
    let read: string;
    let ingest: string;
    let admin: string;
    let revoked: string;
    beforeAll(async () => {
      read = (await api.tokens.create({ scopes: 'read' })).secret;
      ingest = (await api.tokens.create({ scopes: 'ingest' })).secret;
      admin = (await api.tokens.create({ scopes: 'admin' })).secret;
      const gone = await api.tokens.create({ scopes: 'read,ingest' });
      await api.tokens.revoke(gone.id);
      revoked = gone.secret;
      // On PostgreSQL the API trusts its cached "no token exists" for up to the cache's age bound.
      if (DIALECT === 'postgres') await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MAX_AGE_MS));
    });

    const stored = async () => (await api.tracker.getResourceUsage({ hoursBack: 1 })).totalCount;

    it('needs a token on every request (401 UNAUTHENTICATED)', async () => {
      const r = await api.execute(QUERY);
      expect(r.status).toBe(401);
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
      const before = await stored();
      expect(codes(await api.execute(MUTATION))).toEqual(['UNAUTHENTICATED']);
      expect(await stored()).toBe(before);
    });

    it('stops a token revoked from another connection (the CLI) at the next request', async () => {
      // Token answers are cached between requests; on SQLite a commit to the file ends that at once, on
      // PostgreSQL (a revoke through any replica) the cache's age bound does.
      const cli = await openTokenStore(api.store.options);
      try {
        const { id, secret } = await cli.create({ scopes: 'read' });
        expect(codes(await api.execute(QUERY, {}, { token: secret }))).toEqual([]);
        expect(codes(await api.execute(QUERY, {}, { token: secret }))).toEqual([]);
        await cli.revoke(id);
        if (DIALECT === 'postgres') await new Promise((resolve) => setTimeout(resolve, TOKEN_CACHE_MAX_AGE_MS));
        expect(codes(await api.execute(QUERY, {}, { token: secret }))).toEqual(['UNAUTHENTICATED']);
      } finally {
        await cli.close();
      }
    });

    it('refuses unknown, revoked and malformed tokens', async () => {
      expect(codes(await api.execute(QUERY, {}, { token: `${read}x` }))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await api.execute(QUERY, {}, { token: revoked }))).toEqual(['UNAUTHENTICATED']);
      const basic = await api.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwdw==' },
        body: JSON.stringify({ query: QUERY }),
      });
      expect(basic.status).toBe(401);
    });

    it('lets read query but not mutate (FORBIDDEN, nothing stored)', async () => {
      expect(codes(await api.execute(QUERY, {}, { token: read }))).toEqual([]);
      const before = await stored();
      const r = await api.execute(MUTATION, {}, { token: read });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors?.[0]?.extensions?.requiredScope).toBe('ingest');
      expect(await stored()).toBe(before);
    });

    it('lets ingest mutate but not query or subscribe', async () => {
      const r = await api.execute<{ trackUsage: { accepted: number } }>(MUTATION, {}, { token: ingest });
      expect(r.data?.trackUsage.accepted).toBe(1);
      expect(codes(await api.execute(QUERY, {}, { token: ingest }))).toEqual(['FORBIDDEN']);
      const sub = await api.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${ingest}` },
        body: JSON.stringify({ query: 'subscription { liveBandwidth { totalMbps } }' }),
      });
      const text = await sub.text();
      expect(text).toContain('FORBIDDEN');
      expect(text).not.toContain('totalMbps');
    });

    it('lets admin do everything', async () => {
      expect(codes(await api.execute(QUERY, {}, { token: admin }))).toEqual([]);
      expect(codes(await api.execute(MUTATION, {}, { token: admin }))).toEqual([]);
    });

    it('guards /export with the read scope but leaves /healthz open', async () => {
      expect((await api.yoga.fetch('http://yoga/export?format=csv')).status).toBe(401);
      const forbidden = await api.yoga.fetch('http://yoga/export?format=csv', {
        headers: { authorization: `Bearer ${ingest}` },
      });
      expect(forbidden.status).toBe(403);
      const ok = await api.yoga.fetch('http://yoga/export?format=csv', {
        headers: { authorization: `Bearer ${read}` },
      });
      expect(ok.status).toBe(200);
      expect((await api.yoga.fetch('http://yoga/healthz')).status).toBe(200);
    });
  });
});

describe('binding', () => {
  it('refuses a non-loopback address while no token exists in the store, and listens once one does', async () => {
    const db = await testStore('bind');
    try {
      const settings = { ...readSettings({}), host: '0.0.0.0', port: 0, ...db.settings };
      await expect(startApiServer({ settings })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0 without API tokens/);
      // A token created by another process (the CLI, another replica) in the same store lets it listen.
      const other = await openTokenStore(db.options);
      await other.create({ scopes: 'read' });
      await other.close();
      const api = await startApiServer({ settings });
      try {
        const response = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: QUERY }),
        });
        expect(response.status).toBe(401);
      } finally {
        await api.close();
      }
    } finally {
      db.cleanup();
    }
  });

  it('binds 127.0.0.1 on port 4000 by default', () => {
    const settings = readSettings({});
    expect(settings.host).toBe('127.0.0.1');
    expect(settings.port).toBe(4000);
    expect(
      readSettings({ BYTEMETER_API_HOST: '::1', BYTEMETER_API_PORT: '4100', BYTEMETER_DB: '/tmp/x.db' }),
    ).toMatchObject({ host: '::1', port: 4100, dbPath: '/tmp/x.db' });
    expect(() => readSettings({ BYTEMETER_API_PORT: 'eighty' })).toThrow(/BYTEMETER_API_PORT/);
  });
});
