import { expect, test } from '../support/fixtures';

test('backend page shows its series, storage level and failed operations as the API has them', async ({
  page,
  browser,
  baseURL,
  api,
  traffic,
  backendName,
  snap,
}) => {
  const disk = traffic.disk(backendName);
  for (let i = 0; i < 5; i++) await disk.writeFile(`${disk.dir}/f${i}.bin`, Buffer.alloc(10_000 * (i + 1), i));
  await disk.readFile(`${disk.dir}/f4.bin`);
  await disk.rm(`${disk.dir}/f0.bin`);
  await disk.readFile(`${disk.dir}/nope.bin`).catch(() => undefined);
  await traffic.tracker.flush();

  await page.goto(`/backends/${backendName}?range=24h`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(backendName);
  await expect(page.getByTestId('stored-now')).toHaveText('136.72 KiB'); // 150,000 - 10,000 bytes

  // Each chart's total is the sum of the API's buckets over the page's range.
  const range = await page.evaluate(() => {
    const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    return {
      from: new Date(Math.floor((to - 86_400_000) / 3_600_000) * 3_600_000).toISOString(),
      to: new Date(to).toISOString(),
    };
  });
  for (const resourceType of ['BANDWIDTH_UPLOAD', 'BANDWIDTH_DOWNLOAD', 'API_CALLS'] as const) {
    const timeSeries = await api.getTimeSeries({ resourceType, granularity: 'HOUR', range, backend: backendName });
    const total = timeSeries.reduce((s, p) => s + p.totalAmount, 0);
    await expect(page.locator(`[data-series="${resourceType}"] figure`)).toHaveAttribute('data-total', String(total));
  }
  await expect(page.locator('[data-series="BANDWIDTH_UPLOAD"] figure')).toHaveAttribute('data-total', '150000');
  await expect(page.locator('[aria-label="Storage level"] figure')).toHaveAttribute('data-last', '140000');

  // Recent operations: one row per operation id (20 events are 8 calls), named, with its failure's reason.
  const operations = page.getByTestId('operations-table').locator('tbody tr');
  await expect(operations).toHaveCount(8);
  await expect(operations.locator('[data-col="operation"] [data-name]')).toHaveText([
    'readFile',
    'rm',
    'readFile',
    ...Array(5).fill('writeFile'),
  ]);
  const failed = page.getByTestId('operations-table').locator('tr.failed');
  await expect(failed).toHaveCount(1);
  await expect(failed.locator('[data-col="result"]')).toHaveText('failed ENOENT');
  // The newest write: its upload and stored bytes on one line, its three events listed when opened.
  const write = operations.nth(3);
  await expect(write.locator('[data-col="up"]')).toHaveAttribute('data-amount', '50000');
  await expect(write.locator('[data-col="stored"]')).toHaveAttribute('data-amount', '50000');
  await expect(operations.nth(1).locator('[data-col="stored"]')).toHaveAttribute('data-amount', '-10000');
  const parts = write.locator('ul.parts li');
  await expect(parts.first()).toBeHidden();
  await write.locator('summary').click();
  await expect(parts).toHaveText([/^bandwidth_upload /, /^storage_used /, /^api_calls /]);
  await snap(page, 'backend-detail');

  // Without JavaScript the operations are the same rows, and a row's events still open (native <details>).
  const noJs = await browser.newContext({ javaScriptEnabled: false, baseURL });
  try {
    const plain = await noJs.newPage();
    await plain.goto(`/backends/${backendName}?range=24h`);
    const rows = plain.getByTestId('operations-table').locator('tbody tr');
    await expect(rows).toHaveCount(8);
    await rows.nth(3).locator('summary').click();
    await expect(rows.nth(3).locator('ul.parts li')).toHaveCount(3);
    await expect(rows.nth(3).locator('ul.parts li').first()).toBeVisible();
  } finally {
    await noJs.close();
  }

  // A longer range switches to day buckets.
  await page.getByLabel('Range').selectOption('30d');
  await expect(page).toHaveURL(/range=30d/);
  await expect(page.getByText('One bar per day')).toBeVisible();
});

test('an unknown backend is a not-found page', async ({ page }) => {
  const response = await page.goto('/backends/no-such-backend-here');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});
