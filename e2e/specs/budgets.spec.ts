import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBytemeterClient } from '@bytemeter/client';
import { openTokenStore } from '@bytemeter/tracker';
import { expect, test } from '../support/fixtures';

// Issue 12 in the browser: a budget set through the dashboard's form, traffic sent through the SDK, and the
// live alert banner appearing within 5 s on whatever page is open; then the bars, the history, editing and
// deleting. A storage quota shows on its backend's page with the projected full date.

test('a budget set in the dashboard alerts live within 5 s of traffic sent through the SDK', async ({
  page,
  api,
  backendName,
  snap,
}) => {
  // The backend exists (so the form offers it) with a first kilobyte.
  await api.trackUsage([{ backend: backendName, backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 1024 }]);

  await page.goto('/budgets');
  const form = page.getByRole('form', { name: 'New budget' });
  await form.getByLabel('Name').fill(`${backendName} uploads`);
  await form.getByLabel('Limits').selectOption('BANDWIDTH_UPLOAD');
  await form.getByLabel('Backend').selectOption(backendName);
  await form.getByLabel(/^Limit \(/).fill('1MiB');
  await form.getByLabel(/^Alert at/).fill('50,100');
  await form.getByLabel(/forecast reaches 100%/).uncheck();
  await form.getByRole('button', { name: 'Add budget' }).click();
  await expect(page.getByTestId('budget-saved')).toHaveText(`Saved “${backendName} uploads”.`);
  const card = page.getByRole('article', { name: `Budget ${backendName} uploads` });
  await expect(card.getByTestId('budget-actual')).toContainText('1.00 KiB of 1.00 MiB');
  const [budget] = (await api.getBudgets()).filter((b) => b.name === `${backendName} uploads`);
  expect(budget).toMatchObject({
    backend: backendName,
    metric: 'BANDWIDTH_UPLOAD',
    limit: 2 ** 20,
    thresholds: [50, 100],
  });

  // Another page, freshly loaded: the banner lives in the layout, so it is on every page. Traffic goes out
  // once its subscription's stream is open.
  const streamOpen = page.waitForResponse(
    (r) => r.url().endsWith('/api/graphql') && (r.request().postData() ?? '').includes('budgetAlertRaised'),
  );
  await page.goto('/usage');
  await streamOpen;
  const banner = page.getByTestId('alert-banner');
  await expect(banner).toBeHidden();

  await api.trackUsage([
    { backend: backendName, backendType: 'S3', resourceType: 'BANDWIDTH_UPLOAD', amount: 600 * 1024 },
  ]);
  const sent = Date.now();
  await expect(banner).toContainText(`Budget “${backendName} uploads” crossed 50% of its limit.`, { timeout: 5_000 });
  const shownAfterMs = Date.now() - sent;
  expect(shownAfterMs).toBeLessThanOrEqual(5_000);
  console.log(`budget alert banner: shown ${shownAfterMs} ms after the SDK's trackUsage returned`);
  await snap(page, 'budget-alert-banner');

  // The history and the bar show it too; dismissing hides the banner.
  await banner.getByRole('button', { name: `Dismiss the alert of ${backendName} uploads` }).click();
  await expect(banner).toBeHidden();
  await page.goto('/budgets');
  await expect(card.getByTestId('budget-actual')).toHaveAttribute(
    'data-percent',
    String((((601 * 1024) / 2 ** 20) * 100).toFixed(1)),
  );
  const row = page.getByTestId('alert-history').locator('tbody tr', { hasText: `${backendName} uploads` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Crossed 50%');
  await expect(row).toContainText('601.00 KiB');
  await expect(row.locator('[data-col="webhook"]')).toHaveText('—'); // no webhook, no attempts
  await snap(page, 'budgets');

  // Edit: the form holds the stored values; a new limit replaces the budget (same id).
  await card.getByRole('link', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit budget' });
  await expect(edit.getByLabel(/^Limit \(/)).toHaveValue('1MiB');
  await edit.getByLabel(/^Limit \(/).fill('2MiB');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(card.getByTestId('budget-actual')).toContainText('601.00 KiB of 2.00 MiB');
  expect((await api.getBudgets()).filter((b) => b.id === budget!.id).map((b) => b.limit)).toEqual([2 * 2 ** 20]);

  // Bad input is explained and changes nothing.
  const fresh = page.getByRole('form', { name: 'New budget' });
  await page.goto('/budgets');
  await fresh.getByLabel('Name').fill('nonsense');
  await fresh.getByLabel(/^Limit \(/).fill('a lot');
  await fresh.getByRole('button', { name: 'Add budget' }).click();
  await expect(page.getByTestId('budget-form-error')).toContainText('positive number of dollars');
  expect((await api.getBudgets()).map((b) => b.name)).not.toContain('nonsense');

  await card.getByRole('button', { name: `Delete budget ${backendName} uploads` }).click();
  await expect(card).toBeHidden();
  expect((await api.getBudgets()).map((b) => b.id)).not.toContain(budget!.id);
});

test("a budget's webhook secret is rotated from its card and shown there once", async ({ page, api, backendName }) => {
  const saved = await api.setBudget({
    name: `${backendName} hooked`,
    backend: backendName,
    metric: 'API_CALLS',
    limit: 1000,
    webhookUrl: 'http://127.0.0.1:9/hook',
  });
  expect(saved.webhookSecret).toMatch(/^whsec_/);
  await page.goto('/budgets');
  const card = page.getByRole('article', { name: `Budget ${backendName} hooked` });
  await expect(card.getByTestId('rotated-secret')).toHaveCount(0);
  page.once('dialog', (dialog) => void dialog.accept());
  await card.getByRole('button', { name: `New webhook secret for budget ${backendName} hooked` }).click();
  const shown = card.getByTestId('rotated-secret').locator('code');
  await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/=]+$/);
  const secret = await shown.textContent();
  expect(secret).not.toBe(saved.webhookSecret);
  // Shown once: the page loaded again has it nowhere.
  await page.reload();
  await expect(card.getByTestId('rotated-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret!);
  // A budget without a webhook has no such button.
  const plain = await api.setBudget({
    name: `${backendName} plain`,
    backend: backendName,
    metric: 'API_CALLS',
    limit: 5,
  });
  await page.reload();
  await expect(
    page
      .getByRole('article', { name: `Budget ${backendName} plain` })
      .getByRole('button', { name: /New webhook secret/ }),
  ).toHaveCount(0);
  await api.deleteBudget(plain.id);
  await api.deleteBudget(saved.id);
});

test('a storage quota shows on its backend page with the projected full date', async ({ page, api, backendName }) => {
  const hour = 3_600_000;
  const now = Date.now();
  // A level that grew by 100 MiB an hour over the last two hours: 200 MiB of a 1 GiB quota.
  await api.trackUsage([
    {
      backend: backendName,
      backendType: 'S3',
      resourceType: 'STORAGE_USED',
      amount: 100 * 2 ** 20,
      timestamp: new Date(now - 2 * hour).toISOString(),
    },
    {
      backend: backendName,
      backendType: 'S3',
      resourceType: 'STORAGE_USED',
      amount: 100 * 2 ** 20,
      timestamp: new Date(now - hour).toISOString(),
    },
  ]);
  const quota = await api.setBudget({
    name: `${backendName} quota`,
    backend: backendName,
    metric: 'STORAGE_LEVEL',
    limit: 2 ** 30,
  });
  expect(quota.current).toBe(200 * 2 ** 20);

  await page.goto(`/backends/${backendName}`);
  const bar = page.getByTestId('quota-bar');
  await expect(bar).toContainText('200.00 MiB of 1.00 GiB');
  await expect(bar).toHaveAttribute('data-percent', quota.percentUsed.toFixed(1));
  // Growing (200 MiB in the last 7 days), so it has a full date: shown in the page's zone (UTC here).
  expect(quota.projectedFullAt).not.toBeNull();
  // The dashboard's one 24-hour form, in UTC here: 2027-01-01 08:25.
  const minute = new Date(quota.projectedFullAt!).toISOString().slice(0, 16).replace('T', ' ');
  await expect(page.getByTestId('quota-full-at')).toContainText(`Projected full: ${minute} (UTC)`);
  // A backend without a quota shows none.
  await api.deleteBudget(quota.id);
  await page.reload();
  await expect(page.getByTestId('quota')).toHaveCount(0);
});

test('with API tokens a read session cannot change budgets, unless the dashboard server holds an admin token', async ({
  page,
  ownStack,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-budget-admin-'));
  try {
    const dbPath = join(dir, 'tracker.db');
    const store = await openTokenStore({ path: dbPath });
    const read = (await store.create({ scopes: 'read', name: 'dashboard' })).secret;
    const admin = (await store.create({ scopes: 'admin', name: 'dashboard server' })).secret;
    await store.close();
    const addBudget = async (webUrl: string, name: string) => {
      await page.goto(`${webUrl}/login?next=/budgets`);
      await page.getByLabel('API token (read scope)').fill(read);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page).toHaveURL(`${webUrl}/budgets`);
      const form = page.getByRole('form', { name: 'New budget' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel(/^Limit \(/).fill('25');
      await form.getByRole('button', { name: 'Add budget' }).click();
    };

    const plain = await ownStack({ dbPath });
    await addBudget(plain.webUrl, 'refused');
    await expect(page.getByTestId('budget-form-error')).toContainText('needs the admin scope');

    const trusted = await ownStack({ dbPath, env: { BYTEMETER_WEB_ADMIN_TOKEN: admin } });
    // Logging in starts the banner's subscription afresh (the one of the login page had no session).
    const subscribed = page.waitForResponse(
      (r) =>
        r.url() === `${trusted.webUrl}/api/graphql` &&
        (r.request().postData() ?? '').includes('budgetAlertRaised') &&
        r.status() === 200,
    );
    await addBudget(trusted.webUrl, 'team cost');
    await subscribed;
    await expect(page.getByTestId('budget-saved')).toHaveText('Saved “team cost”.');
    const client = createBytemeterClient({ url: trusted.apiUrl, token: read });
    try {
      expect((await client.getBudgets()).map((b) => [b.name, b.metric, b.limit])).toEqual([
        ['team cost', 'COST', 25_000_000],
      ]);
    } finally {
      await client.close();
    }
    // With tokens too, an alert reaches the logged-in page live.
    const writer = createBytemeterClient({ url: trusted.apiUrl, token: admin });
    try {
      await writer.setBudget({ name: 'calls', backend: 'svc', metric: 'API_CALLS', limit: 1, thresholds: [100] });
      await writer.trackUsage([{ backend: 'svc', backendType: 'S3', resourceType: 'API_CALLS', amount: 1 }]);
    } finally {
      await writer.close();
    }
    await expect(page.getByTestId('alert-banner')).toContainText('Budget “calls” crossed 100% of its limit.', {
      timeout: 5_000,
    });
    // The admin token stays on the dashboard's server: nothing the browser holds or received carries it.
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.value).join(' ')).not.toContain(admin);
    expect(await page.content()).not.toContain(admin);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
