import { expect, test } from '../support/fixtures';

test('the time zone defaults to the browser, is searchable, and is remembered on every page', async ({
  browser,
  baseURL,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 4096, { path: 'zones/a' });
  await traffic.tracker.flush();
  const context = await browser.newContext({ baseURL, timezoneId: 'Asia/Kolkata' });
  try {
    const page = await context.newPage();
    // First visit: the browser's zone, without asking.
    await page.goto('/');
    await expect(page.getByTestId('period-range')).toContainText('(Asia/Kolkata)');
    expect((await context.cookies()).find((c) => c.name === 'bm_tz')?.value).toMatch(/Asia(%2F|\/)(Kolkata|Calcutta)/);

    // Searching the picker: typing part of a name and picking it applies it.
    const picker = page.getByLabel('Time zone');
    await picker.fill('America/New_York');
    await expect(page).toHaveURL(/tz=America%2FNew_York/);
    await expect(page.getByTestId('period-range')).toContainText('(America/New_York)');

    // Remembered on every page, without ?tz= in the links.
    await page.goto(`/backends/${backendName}`);
    await expect(page.getByText('One bar per hour (America/New_York)')).toBeVisible();
    await expect(page.getByLabel('Time zone')).toHaveValue('America/New_York');
    await page.goto('/usage');
    await expect(page.getByRole('columnheader', { name: 'Time (America/New_York)' })).toBeVisible();
    await page.goto('/');
    await expect(page.getByTestId('period-range')).toContainText('(America/New_York)');
    // Times are shown in one 24-hour form, the one the date fields take.
    await expect(page.getByTestId('period-range')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d – \d{4}-\d\d-\d\d \d\d:\d\d/);
  } finally {
    await context.close();
  }
});
