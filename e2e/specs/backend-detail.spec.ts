import { expect, test } from '../support/fixtures';

test('backend page shows its series, storage level and failed operations as the API has them', async ({
  page,
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

  const failed = page.getByTestId('events-table').locator('tr.failed');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByText('failed')).toBeVisible();
  await snap(page, 'backend-detail');

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
