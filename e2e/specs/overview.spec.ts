import { expect, test } from '../support/fixtures';

test('overview shows the totals, rows and health the API returns', async ({
  page,
  api,
  traffic,
  backendName,
  snap,
}) => {
  const disk = traffic.disk(backendName);
  await disk.writeFile(`${disk.dir}/a.bin`, Buffer.alloc(300_000, 1));
  await disk.writeFile(`${disk.dir}/b.bin`, Buffer.alloc(123_457, 2));
  await disk.readFile(`${disk.dir}/a.bin`);
  await disk.readFile(`${disk.dir}/missing.bin`).catch(() => undefined); // a failed call
  const failing = `${backendName}-ipfs`;
  // 20 calls: the fewest in the health window whose error rate can leave HEALTHY.
  for (let i = 0; i < 20; i++) traffic.tracker.trackApiCall(failing, 'ipfs', { success: false, durationMs: 40 });
  traffic.tracker.trackCost(failing, 'ipfs', 12.5);
  await traffic.tracker.flush();

  await page.goto('/?period=DAY&tz=UTC');
  const [usageSummary, backendStatus] = await Promise.all([
    api.getUsageSummary({ period: 'DAY', timezone: 'UTC' }),
    api.getBackendStatus(),
  ]);
  const totals = usageSummary.totals;
  await expect(page.getByTestId('total-upload')).toHaveAttribute('data-value', String(totals.bandwidthUpload));
  await expect(page.getByTestId('total-download')).toHaveAttribute('data-value', String(totals.bandwidthDownload));
  await expect(page.getByTestId('total-storage-change')).toHaveAttribute('data-value', String(totals.storageUsed));
  await expect(page.getByTestId('total-api-calls')).toHaveAttribute('data-value', String(totals.apiCalls));
  await expect(page.getByTestId('total-cost')).toHaveAttribute('data-value', String(totals.operationCostMicros));
  expect(totals.bandwidthUpload).toBeGreaterThanOrEqual(423_457);

  const rows = page.getByTestId('backends-table').locator('tbody tr');
  await expect(rows).toHaveCount(backendStatus.length);
  for (const status of backendStatus) {
    const row = page.locator(`tr[data-backend="${status.backend}"]`);
    await expect(row.locator('[data-health]')).toHaveAttribute('data-health', status.healthStatus);
    await expect(row.locator('[data-col="stored"]')).toHaveAttribute(
      'data-value',
      String(status.currentStorageUsageBytes),
    );
    const usage = usageSummary.backends.find((b) => b.name === status.backend);
    const upload = usage?.resources.find((r) => r.resourceType === 'BANDWIDTH_UPLOAD')?.totalAmount ?? 0;
    await expect(row.locator('[data-col="upload"]')).toHaveAttribute('data-value', String(upload));
  }
  // The disk wrote exactly what we wrote; the all-failing backend is shown as unhealthy, in words.
  const diskRow = page.locator(`tr[data-backend="${backendName}"]`);
  await expect(diskRow.locator('[data-col="upload"]')).toHaveAttribute('data-value', '423457');
  await expect(diskRow.locator('[data-col="stored"]')).toHaveAttribute('data-value', '423457');
  await expect(page.locator(`tr[data-backend="${failing}"]`).getByText('Unhealthy')).toBeVisible();
  await snap(page, 'overview');
});

test('period and time zone pickers change the totals to the API answer for them', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackBandwidthDownload(backendName, 's3', 777_001);
  await traffic.tracker.flush();
  await page.goto('/');
  await page.getByLabel('Period').selectOption('WEEK');
  await expect(page).toHaveURL(/period=WEEK/);
  await page.getByLabel('Time zone').fill('Asia/Kathmandu');
  await expect(page).toHaveURL(/tz=Asia%2FKathmandu/);
  const usageSummary = await api.getUsageSummary({ period: 'WEEK', timezone: 'Asia/Kathmandu' });
  await expect(page.getByTestId('total-download')).toHaveAttribute(
    'data-value',
    String(usageSummary.totals.bandwidthDownload),
  );
  await expect(page.getByTestId('period-range')).toContainText('Asia/Kathmandu');
});

test('the live chart moves within 3 s of new traffic, without a reload', async ({ page, traffic, backendName }) => {
  traffic.tracker.trackApiCall(backendName, 'local'); // so the overview has a backend and shows the chart
  await traffic.tracker.flush();
  await page.goto('/');
  const chart = page.getByTestId('live-chart');
  await expect(chart).not.toHaveAttribute('data-samples', '0'); // the subscription is delivering
  const before = Number(await chart.getAttribute('data-window-bytes'));
  const disk = traffic.disk(backendName);
  await disk.writeFile(`${disk.dir}/live.bin`, Buffer.alloc(2_500_000, 7));
  await traffic.tracker.flush();
  await expect(async () => {
    expect(Number(await chart.getAttribute('data-window-bytes'))).toBeGreaterThanOrEqual(before + 2_500_000);
  }).toPass({ timeout: 3_000, intervals: [100] });
});

test('totals and health follow new traffic without a reload', async ({ page, traffic, backendName }) => {
  traffic.tracker.trackApiCall(backendName, 'ipfs', { success: true });
  await traffic.tracker.flush();
  await page.goto('/');
  const row = page.locator(`tr[data-backend="${backendName}"]`);
  await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'HEALTHY');
  // A mark on the window survives a re-render but not a reload.
  await page.evaluate(() => Object.assign(window, { __bytemeterMark: true }));
  for (let i = 0; i < 20; i++) traffic.tracker.trackApiCall(backendName, 'ipfs', { success: false });
  traffic.tracker.trackBandwidthUpload(backendName, 'ipfs', 65_536);
  await traffic.tracker.flush();
  // The page re-renders its server data every 10 s while visible.
  await expect(row.locator('[data-health]')).toHaveAttribute('data-health', 'UNHEALTHY', { timeout: 15_000 });
  await expect(row.locator('[data-col="upload"]')).toHaveAttribute('data-value', '65536');
  expect(await page.evaluate(() => (window as { __bytemeterMark?: boolean }).__bytemeterMark)).toBe(true);
});
