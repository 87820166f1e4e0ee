import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTokenStore } from '@bytemeter/tracker';
import { expect, test } from '../support/fixtures';

test('with API tokens the dashboard asks for a read token and never forwards writes', async ({
  page,
  ownStack,
  snap,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-login-'));
  try {
    const dbPath = join(dir, 'tracker.db');
    const store = await openTokenStore({ path: dbPath });
    const read = (await store.create({ scopes: 'read', name: 'dashboard' })).secret;
    const ingest = (await store.create({ scopes: 'ingest', name: 'app' })).secret;
    const admin = (await store.create({ scopes: 'admin', name: 'ops' })).secret;
    await store.close();
    const stack = await ownStack({ dbPath });

    await page.goto(`${stack.webUrl}/`);
    await expect(page).toHaveURL(`${stack.webUrl}/login`);
    await snap(page, 'login');
    // Without a session the browser's GraphQL endpoint gets nothing either.
    const anonymous = await page.request.post(`${stack.webUrl}/api/graphql`, {
      data: { query: '{ backends { name } }' },
    });
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const token = page.getByLabel('API token (read scope)');
    await token.fill('bm_not-a-real-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toContainText('does not know this token');
    await token.fill(ingest);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toContainText('no read scope');
    await token.fill(admin);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toContainText('can write');
    await expect(page).toHaveURL(`${stack.webUrl}/login`);

    await token.fill(read);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${stack.webUrl}/`);
    await expect(page.getByTestId('empty-state')).toBeVisible();
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.value).join(' ')).not.toContain(read); // the session cookie is opaque
    expect(cookies.find((c) => c.name === 'bm_session')?.httpOnly).toBe(true);

    // Logged in, reads pass through the proxy; a mutation is refused before it reaches the API.
    const reads = await page.request.post(`${stack.webUrl}/api/graphql`, { data: { query: '{ backends { name } }' } });
    expect((await reads.json()).data).toEqual({ backends: [] });
    const write = await page.request.post(`${stack.webUrl}/api/graphql`, {
      data: { query: 'mutation { trackUsage(events: []) { accepted } }' },
    });
    expect(write.status()).toBe(403);

    // Logging out ends the session on the server: the next visit asks for a token again.
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(`${stack.webUrl}/login`);
    // Login returns to the page that was asked for, query included.
    await page.goto(`${stack.webUrl}/usage?hours=168&resource=API_CALLS`);
    await expect(page).toHaveURL(
      `${stack.webUrl}/login?next=${encodeURIComponent('/usage?hours=168&resource=API_CALLS')}`,
    );
    await page.getByLabel('API token (read scope)').fill(read);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(`${stack.webUrl}/usage?hours=168&resource=API_CALLS`);
    await expect(page.getByRole('heading', { name: 'Usage explorer' })).toBeVisible();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
