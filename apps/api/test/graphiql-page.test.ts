import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/harness.js';

// The GraphiQL page carries its own scripts and styles (no CDN), compressed once and revalidated by ETag.
// The browser side (offline, running a query, the docs explorer) is e2e/specs/graphiql-offline.spec.ts.

describe('GraphiQL page', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  const get = (headers: Record<string, string>) =>
    api.yoga.fetch('http://yoga/graphql', { headers: { accept: 'text/html', ...headers } });

  it('is served compressed, without a script or style from another host, and revalidates with 304', async () => {
    const br = await get({ 'accept-encoding': 'gzip, br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    const compressed = new Uint8Array(await br.arrayBuffer());
    const html = brotliDecompressSync(compressed).toString('utf8');
    expect(compressed.length).toBeLessThan(html.length / 4);
    expect(html).toContain('<title>bytemeter GraphiQL</title>');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);

    const gz = await get({ 'accept-encoding': 'gzip' });
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString('utf8')).toBe(html);
    expect(gz.headers.get('etag')).not.toBe(br.headers.get('etag'));

    const again = await get({ 'accept-encoding': 'gzip, br', 'if-none-match': br.headers.get('etag') as string });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('still answers GraphQL over GET to clients that do not ask for HTML', async () => {
    const r = await api.yoga.fetch('http://yoga/graphql?query=%7B__typename%7D', {
      headers: { accept: 'application/json' },
    });
    expect(await r.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
