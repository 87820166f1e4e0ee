import { expect, test } from '../support/fixtures';

const DAY = 86_400_000;

test('each card compares with the previous period as two API reads say, and the overview steps through periods', async ({
  page,
  api,
  traffic,
  backendName,
  snap,
}) => {
  const dayStart = Math.floor(Date.now() / DAY) * DAY;
  // Yesterday (UTC) and today: different amounts, so the comparison has something to say.
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 7000, { timestamp: dayStart - DAY / 2, path: 'y' });
  traffic.tracker.trackApiCall(backendName, 's3', { timestamp: dayStart - DAY / 2 });
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 9000, { timestamp: Date.now() - 1000, path: 't' });
  await traffic.tracker.flush();

  await page.goto('/?period=DAY&tz=UTC');
  const today = await api.getUsageSummary({ period: 'DAY', timezone: 'UTC' });
  const before = await api.getUsageSummary({
    period: 'DAY',
    timezone: 'UTC',
    at: new Date(Date.parse(today.periodStart) - 1).toISOString(),
  });
  for (const [key, field] of [
    ['upload', 'bandwidthUpload'],
    ['download', 'bandwidthDownload'],
    ['api-calls', 'apiCalls'],
    ['cost', 'operationCostMicros'],
  ] as const) {
    await expect(page.getByTestId(`total-${key}`)).toHaveAttribute('data-value', String(today.totals[field]));
    await expect(page.getByTestId(`change-${key}`)).toHaveAttribute('data-previous', String(before.totals[field]));
    const now = today.totals[field];
    const was = before.totals[field];
    const expected =
      now === was
        ? 'no change vs the day before'
        : was === 0
          ? 'new vs the day before (was 0)'
          : `${now > was ? '▲' : '▼'} ${Math.abs(Math.round(((now - was) / Math.abs(was)) * 100))}% vs the day before`;
    await expect(page.getByTestId(`change-${key}`)).toHaveText(expected);
  }
  await snap(page, 'overview-comparison');

  // Step back one day: the period and its totals are the API's for that day; Next and Now come back.
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page.getByTestId('period-range')).toContainText(
    `${new Date(dayStart - DAY).toISOString().slice(0, 10)} 00:00 – ${new Date(dayStart).toISOString().slice(0, 10)} 00:00`,
  );
  await expect(page.getByTestId('total-upload')).toHaveAttribute('data-value', String(before.totals.bandwidthUpload));
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByTestId('total-upload')).toHaveAttribute('data-value', String(today.totals.bandwidthUpload));
  await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
});

test('rolling windows (last 24 h, 7 and 30 days) total what the API reports for the same range, and step back', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 5000, { timestamp: Date.now() - 3 * DAY, path: 'r1' });
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 6000, { timestamp: Date.now() - 10 * DAY, path: 'r2' });
  await traffic.tracker.flush();
  await page.goto('/?tz=UTC');
  for (const [value, len] of [
    ['24H', DAY],
    ['7D', 7 * DAY],
    ['30D', 30 * DAY],
  ] as const) {
    await page.getByLabel('Period').selectOption(value);
    await expect(page).toHaveURL(new RegExp(`period=${value}`));
    const range = page.getByTestId('period-range');
    const from = (await range.getAttribute('data-from'))!;
    const to = (await range.getAttribute('data-to'))!;
    expect(Date.parse(to) - Date.parse(from)).toBe(len);
    const now = await api.getUsageSummary({ timezone: 'UTC', range: { from, to } });
    const before = await api.getUsageSummary({
      timezone: 'UTC',
      range: { from: new Date(Date.parse(from) - len).toISOString(), to: from },
    });
    await expect(page.getByTestId('total-upload')).toHaveAttribute('data-value', String(now.totals.bandwidthUpload));
    await expect(page.getByTestId('change-upload')).toHaveAttribute(
      'data-previous',
      String(before.totals.bandwidthUpload),
    );
  }
  // One window back: it ends where the current one starts.
  const start = await page.getByTestId('period-range').getAttribute('data-from');
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page.getByTestId('period-range')).toHaveAttribute('data-to', start!);
  await expect(page.getByRole('link', { name: 'Next →' })).toBeVisible();
});

test('on a phone the totals have no lone card and tables say they scroll', async ({
  browser,
  baseURL,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackApiCall(backendName, 's3', {});
  await traffic.tracker.flush();
  for (const width of [390, 800, 1366]) {
    const context = await browser.newContext({ baseURL, viewport: { width, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto('/');
      const rows = await page.getByTestId('totals').evaluate((dl) => {
        const tops = new Map<number, number>();
        for (const card of Array.from(dl.children)) {
          const top = Math.round(card.getBoundingClientRect().top);
          tops.set(top, (tops.get(top) ?? 0) + (card.getBoundingClientRect().width > dl.clientWidth * 0.9 ? 2 : 1));
        }
        return [...tops.values()];
      });
      // A last card alone on its row spans the row (counted as 2), never a narrow orphan.
      expect(
        rows.every((n) => n >= 2),
        `${width}px: ${rows}`,
      ).toBe(true);
      const hint = await page
        .locator('.table-wrap')
        .first()
        .evaluate((el) => getComputedStyle(el, '::before').content);
      expect(hint.includes('Scroll sideways'), `${width}px`).toBe(width <= 700);
    } finally {
      await context.close();
    }
  }
});
