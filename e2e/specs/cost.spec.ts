import { formatDollars } from '@bytemeter/core';
import { chartRows } from '../support/charts';
import { expect, test } from '../support/fixtures';

const GIB = 2 ** 30;
const DAY = 86_400_000;
const ZONE = 'Asia/Kolkata';

test('the Cost page shows the API’s costs: by backend and resource, per day, forecast, computed vs reported', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  const priced = `${backendName}-p`;
  const unpriced = `${backendName}-n`;
  // Last month in the zone (all of it in the past, so every number is final) and this month, from the API.
  const thisMonth = await api.getCosts({ period: 'MONTH', timezone: ZONE });
  const at = new Date(Date.parse(thisMonth.periodStart) - 1).toISOString();
  const lastMonth = await api.getCosts({ period: 'MONTH', timezone: ZONE, at });
  const start = Date.parse(lastMonth.periodStart);
  const monthDays = Math.round((Date.parse(lastMonth.periodEnd) - start) / DAY);

  // Last month's plan prices everything; from this month on only upload and class A calls (stable numbers).
  await api.setPricePlan({
    backend: priced,
    timezone: ZONE,
    prices: [
      { resource: 'UPLOAD', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.09' }] },
      { resource: 'DOWNLOAD', tiers: [{ pricePerUnit: '0.05' }] },
      { resource: 'STORAGE', tiers: [{ pricePerUnit: '0.023' }] },
      { resource: 'API_CALLS_CLASS_A', tiers: [{ pricePerUnit: '0.000005' }] },
      { resource: 'API_CALLS_UNCLASSIFIED', tiers: [{ pricePerUnit: '0.0000004' }] },
      { resource: 'MONTHLY_FEE', tiers: [{ pricePerUnit: '3' }] },
    ],
  });
  await api.setPricePlan({
    backend: priced,
    timezone: ZONE,
    effectiveFrom: thisMonth.periodStart,
    prices: [
      { resource: 'UPLOAD', tiers: [{ pricePerUnit: '0.09' }] },
      { resource: 'API_CALLS_CLASS_A', tiers: [{ pricePerUnit: '0.000005' }] },
    ],
  });
  const t = traffic.tracker;
  // 3 GiB up (the first free), 2 GiB down, 1 GiB stored for exactly the first half of 30 days, calls, and
  // the application's own cost report; a backend without a plan beside it.
  for (const d of [1, 4, 8]) t.trackBandwidthUpload(priced, 's3', GIB, { timestamp: start + d * DAY + 3_600_000 });
  t.trackBandwidthDownload(priced, 's3', 2 * GIB, { timestamp: start + 5 * DAY });
  t.trackStorageUsage(priced, 's3', GIB, { timestamp: start, path: 'big' });
  t.trackStorageUsage(priced, 's3', -GIB, { timestamp: start + 15 * DAY, path: 'big' });
  for (let i = 0; i < 40; i++) t.trackApiCall(priced, 's3', { timestamp: start + i * 17 * 3_600_000, apiClass: 'a' });
  for (let i = 0; i < 10; i++) t.trackApiCall(priced, 's3', { timestamp: start + (i + 2) * DAY });
  t.trackCost(priced, 's3', 250, { timestamp: start + 3 * DAY });
  t.trackBandwidthUpload(unpriced, 'local', GIB, { timestamp: start + 2 * DAY });
  t.trackCost(unpriced, 'local', 125, { timestamp: start + 6 * DAY });
  // This month: 2 GiB up and 7 class A calls.
  t.trackBandwidthUpload(priced, 's3', 2 * GIB, { timestamp: Date.now() - 60_000 });
  for (let i = 0; i < 7; i++) t.trackApiCall(priced, 's3', { timestamp: Date.now() - 60_000, apiClass: 'a' });
  await t.flush();

  const report = await api.getCosts({ period: 'MONTH', timezone: ZONE, at });
  const mine = report.backends.find((b) => b.backend === priced)!;
  const cost = (r: string) => mine.resources.find((x) => x.resource === r)!.costMicros;
  // The worked examples of the issue, as the API answers them.
  expect(cost('UPLOAD')).toBe(180_000); // 2 GiB past the free one × $0.09
  expect(cost('STORAGE')).toBe(Math.round((23_000 * 15) / monthDays)); // $0.0115 in a 30-day month
  expect(mine.reportedCostMicros).toBe(2_500_000);

  await page.goto(`/cost?at=${encodeURIComponent(at)}&tz=${encodeURIComponent(ZONE)}`);
  await expect(page.getByTestId('period-range')).toHaveAttribute('data-from', report.periodStart);
  for (const [id, micros] of [
    ['computed-month', report.computedTotalMicros],
    ['reported-month', report.reportedTotalMicros],
    ['forecast', report.forecast.monthEndMicros],
  ] as const) {
    await expect(page.getByTestId(id)).toHaveAttribute('data-value', String(micros));
    await expect(page.getByTestId(id)).toHaveText(formatDollars(micros));
  }
  await expect(page.getByTestId('forecast-method')).toContainText(report.forecast.method);

  // Each backend: computed (stacked by resource) beside reported, every resource as the API priced it.
  const row = page.locator(`[data-testid="backend-costs"] tr[data-backend="${priced}"]`);
  await expect(row).toHaveAttribute('data-computed', String(mine.computedCostMicros));
  await expect(row).toHaveAttribute('data-reported', String(mine.reportedCostMicros));
  await expect(row.getByTestId('computed')).toHaveText(formatDollars(mine.computedCostMicros));
  await expect(row.getByTestId('reported')).toHaveText(formatDollars(mine.reportedCostMicros));
  for (const r of mine.resources) {
    await expect(row.locator(`td[data-resource="${r.resource}"]`)).toHaveAttribute('data-value', String(r.costMicros));
  }
  await expect(row.locator('.cost-stack > span')).toHaveCount(mine.resources.filter((r) => r.costMicros > 0).length);
  const none = page.locator(`[data-testid="backend-costs"] tr[data-backend="${unpriced}"]`);
  await expect(none).toHaveAttribute('data-has-plan', 'false');
  await expect(none.getByTestId('no-plan')).toHaveText('No price plan');
  await expect(none.getByTestId('reported')).toHaveText(formatDollars(1_250_000));
  await expect(page.getByTestId('no-plan-hint')).toContainText(unpriced);
  await expect(page.getByTestId('no-plan-hint')).toContainText('bytemeter plan set');
  await expect(page.getByTestId('computed-total')).toHaveText(formatDollars(report.computedTotalMicros));

  // One bar per day of the month, each the API's cost of that day (a `costs` range of its own).
  const bars = await chartRows(page.getByTestId('daily').locator('figure'));
  expect(bars).toHaveLength(monthDays);
  for (const [i, bar] of bars.entries()) {
    const to = bars[i + 1]?.t ?? report.periodEnd;
    const day = await api.getCosts({ range: { from: bar.t, to }, timezone: ZONE });
    expect(bar.total, bar.t).toBe(day.computedTotalMicros);
  }
  // Per-line rounding aside, the days add up to the month.
  const sum = bars.reduce((s, b) => s + b.total, 0);
  expect(Math.abs(sum - report.computedTotalMicros)).toBeLessThanOrEqual(monthDays * 6);

  // This month, from the navigation: the same page, and the overview's card agrees with the API.
  await page.getByRole('link', { name: 'This month' }).click();
  await expect(page.getByTestId('period-range')).toHaveAttribute('data-from', thisMonth.periodStart);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect(async () => {
    await page.reload();
    const now = await api.getCosts({ period: 'MONTH', timezone: ZONE });
    expect(now.backends.find((b) => b.backend === priced)?.computedCostMicros).toBe(Math.round(2 * 90_000 + 7 * 5));
    await expect(page.getByTestId('month-computed')).toHaveAttribute('data-value', String(now.computedTotalMicros), {
      timeout: 1_000,
    });
    await expect(page.getByTestId('month-forecast')).toHaveAttribute(
      'data-value',
      String(now.forecast.monthEndMicros),
      {
        timeout: 1_000,
      },
    );
  }).toPass({ timeout: 30_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost' }).click();
  await expect(page).toHaveURL(/\/cost$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cost');
});
