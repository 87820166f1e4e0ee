import { expect, test } from '../support/fixtures';

// GraphiQL is served by the API itself: with every request to anything but 127.0.0.1 aborted (a machine
// without internet), /graphql still loads, runs a query and opens the documentation explorer, which reads
// the schema through standard introspection.

test('GraphiQL works offline: runs a query and opens the docs explorer', async ({ page }) => {
  const apiUrl = process.env.BYTEMETER_E2E_API_URL as string;
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1') return route.continue();
    blocked.push(route.request().url());
    return route.abort('internetdisconnected');
  });

  await page.goto(`${apiUrl}/graphql`);
  const editor = page.locator('.graphiql-query-editor');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('{ backends { name }');
  const answer = page.waitForResponse(
    (r) =>
      r.url() === `${apiUrl}/graphql` &&
      r.request().method() === 'POST' &&
      !!r.request().postData()?.includes('backends'),
  );
  await page.getByRole('button', { name: /execute query/i }).click();
  const body = (await (await answer).json()) as { data?: { backends: unknown[] }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(Array.isArray(body.data?.backends)).toBe(true);
  await expect(page.locator('.graphiql-response')).toContainText('"backends"');

  await page.getByRole('button', { name: /show documentation explorer/i }).click();
  const docs = page.locator('.graphiql-doc-explorer');
  await expect(docs).toContainText('Root Types');
  await docs.getByRole('link', { name: 'Query' }).first().click();
  await expect(docs).toContainText('usageSummary');

  expect(blocked).toEqual([]);
});
