import { chartRows } from '../support/charts';
import { fieldValue } from '../support/dates';
import { expect, test } from '../support/fixtures';

const HOUR = 3_600_000;
const KOLKATA_MS = 5.5 * HOUR; // Asia/Kolkata has no daylight saving time

/** Midnight `daysAgo` days back as a Kolkata wall time ("YYYY-MM-DD 00:00") and as the instant it is. */
function kolkataMidnight(daysAgo: number): { wall: string; iso: string } {
  const day = new Date(Date.now() + KOLKATA_MS - daysAgo * 24 * HOUR).toISOString().slice(0, 10);
  return { wall: `${day} 00:00`, iso: new Date(Date.parse(`${day}T00:00:00Z`) - KOLKATA_MS).toISOString() };
}

test('a custom date range, entered as wall times in the zone, draws exactly the API buckets of that range', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  const now = Date.now();
  for (let t = now - 20 * 24 * HOUR, i = 0; t < now; t += 6 * HOUR, i++) {
    traffic.tracker.trackBandwidthUpload(backendName, 's3', 1000 + i, { timestamp: t, path: `r${i}` });
  }
  // Stored: 7,000 bytes inside the range, then 500 more a day ago (after the range's end).
  traffic.tracker.trackStorageUsage(backendName, 's3', 7000, { timestamp: now - 5 * 24 * HOUR, path: 's/a' });
  traffic.tracker.trackStorageUsage(backendName, 's3', 500, { timestamp: now - 24 * HOUR, path: 's/b' });
  await traffic.tracker.flush();
  const from = kolkataMidnight(12);
  const to = kolkataMidnight(2);

  await page.goto(`/backends/${backendName}?range=24h&tz=Asia%2FKolkata`);
  await page.getByLabel('From', { exact: true }).fill(from.wall);
  await page.getByLabel('To', { exact: true }).fill(to.wall);
  await page.getByLabel('Range').selectOption('custom'); // submits the form, dates included
  await expect(page).toHaveURL(/range=custom/);
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(from.wall);

  const figure = page.locator('[data-series="BANDWIDTH_UPLOAD"] figure');
  await expect(figure).toHaveAttribute('data-from', from.iso);
  await expect(figure).toHaveAttribute('data-to', to.iso);
  await expect(figure).toHaveAttribute('data-granularity', 'DAY');
  const series = await api.getTimeSeries({
    resourceType: 'BANDWIDTH_UPLOAD',
    granularity: 'DAY',
    range: { from: from.iso, to: to.iso },
    timezone: 'Asia/Kolkata',
    backend: backendName,
  });
  expect(series).toHaveLength(10);
  expect((await chartRows(figure)).map(({ t, v }) => ({ t, v }))).toEqual(
    series.map((p) => ({ t: p.bucketStart, v: p.totalAmount })),
  );
  // A range that ended in the past has no bucket still filling.
  await expect(figure.locator('tr[data-partial]')).toHaveCount(0);
  // Its storage level ends at what was stored at its end, not at today's level.
  await expect(page.getByTestId('stored-now')).toHaveText('7.32 KiB');
  await expect(page.locator('[aria-label="Storage level"] figure')).toHaveAttribute('data-last', '7000');

  // A range that ends before it starts is refused with a reason and changes nothing else.
  await page.goto(
    `/backends/${backendName}?${new URLSearchParams({ range: 'custom', from: to.wall, to: from.wall, tz: 'Asia/Kolkata' })}`,
  );
  await expect(page.getByTestId('range-error')).toContainText('must end after it starts');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(to.wall);
  await expect(figure).toHaveAttribute('data-granularity', 'HOUR'); // the default 24 hours, drawn instead
});

test('the overview takes the same date range: its cards, trend and step are that range of the API', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  const now = Date.now();
  for (let t = now - 9 * 24 * HOUR, i = 0; t < now; t += 5 * HOUR, i++) {
    traffic.tracker.trackBandwidthUpload(backendName, 's3', 2000 + i, { timestamp: t, path: `o${i}` });
  }
  await traffic.tracker.flush();
  const from = kolkataMidnight(6);
  const to = kolkataMidnight(3);

  await page.goto('/?period=DAY&tz=Asia%2FKolkata');
  await page.getByLabel('From', { exact: true }).fill(from.wall);
  await page.getByLabel('To', { exact: true }).fill(to.wall);
  await page.getByLabel('Period').selectOption('custom');
  await expect(page).toHaveURL(/period=custom/);
  const shown = page.getByTestId('period-range');
  await expect(shown).toHaveAttribute('data-from', from.iso);
  await expect(shown).toHaveAttribute('data-to', to.iso);
  await expect(shown).toContainText(`${from.wall} – ${to.wall} (Asia/Kolkata)`);
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(from.wall);

  const range = { from: from.iso, to: to.iso };
  const [summary, before] = await Promise.all([
    api.getUsageSummary({ timezone: 'Asia/Kolkata', range }),
    api.getUsageSummary({
      timezone: 'Asia/Kolkata',
      range: { from: new Date(2 * Date.parse(from.iso) - Date.parse(to.iso)).toISOString(), to: from.iso },
    }),
  ]);
  expect(summary.totals.bandwidthUpload).toBeGreaterThan(0);
  await expect(page.getByTestId('total-upload')).toHaveAttribute('data-value', String(summary.totals.bandwidthUpload));
  await expect(page.getByTestId('change-upload')).toHaveAttribute(
    'data-previous',
    String(before.totals.bandwidthUpload),
  );
  const trend = page.getByTestId('trend').locator('figure');
  await expect(trend).toHaveAttribute('data-from', from.iso);
  await expect(trend).toHaveAttribute('data-granularity', 'HOUR'); // three days: hours, as on the backend page
  const series = await api.getTimeSeries({
    resourceType: 'BANDWIDTH_UPLOAD',
    granularity: 'HOUR',
    range,
    timezone: 'Asia/Kolkata',
  });
  expect((await chartRows(trend)).map((r) => r.t)).toEqual([...new Set(series.map((p) => p.bucketStart))]);

  // ← Previous shows the three days before, still as a custom range of the same length.
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(shown).toHaveAttribute('data-to', from.iso);
  await expect(page.getByLabel('To', { exact: true })).toHaveValue(from.wall);
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(kolkataMidnight(9).wall);
});

test('dates are typed and shown in one 24-hour format on every page, checked before and after sending', async ({
  browser,
  baseURL,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 10, { path: 'h24' });
  await traffic.tracker.flush();
  // An en-US browser, whose own datetime-local field would show a 12-hour clock with AM/PM.
  const context = await browser.newContext({ baseURL, locale: 'en-US', timezoneId: 'America/New_York' });
  try {
    const page = await context.newPage();
    const afternoon = Date.UTC(2026, 10, 20, 20, 45); // 20 Nov 2026, 15:45 in New York
    const wall = fieldValue(afternoon, -5 * HOUR);
    expect(wall).toBe('2026-11-20 15:45');
    const query = new URLSearchParams({ from: wall, to: '2026-11-21 00:00', tz: 'America/New_York' });
    const pages = [
      [`/backends/${backendName}?range=custom&${query}`, 'From'],
      [`/?period=custom&${query}`, 'From'],
      [`/usage?${query}`, 'From (America/New_York, optional)'],
      [`/export?${query}`, 'From (America/New_York, optional)'],
    ] as const;
    for (const [url, label] of pages) {
      await page.goto(url);
      const field = page.getByLabel(label, { exact: true });
      await expect(field, url).toHaveValue('2026-11-20 15:45');
      await expect(field, url).toHaveAttribute('type', 'text');
      await expect(field, url).toHaveAttribute('placeholder', 'YYYY-MM-DD HH:mm');
    }
    // Shown dates use the same format: the overview's range line and the explorer's event times.
    await page.goto(`/?period=custom&${query}`);
    await expect(page.getByTestId('period-range')).toContainText('2026-11-20 15:45 – 2026-11-21 00:00');
    await expect(page.locator('body')).not.toContainText(/\b(AM|PM)\b/);

    // A 12-hour or malformed value is refused by the browser: the form is not sent.
    await page.goto(`/backends/${backendName}?range=custom&${query}`);
    const from = page.getByLabel('From', { exact: true });
    await from.fill('11/20/2026 03:45 PM');
    expect(await from.evaluate((f: HTMLInputElement) => f.validity.patternMismatch)).toBe(true);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(/from=2026-11-20\+15%3A45/);
    // What passes the pattern but is no real time is refused by the server, with the format in the reason.
    await page.goto(`/backends/${backendName}?range=custom&from=2026-02-30+10%3A00&to=2026-03-02+00%3A00`);
    await expect(page.getByTestId('range-error')).toContainText('YYYY-MM-DD HH:mm');
    await expect(page.getByLabel('From', { exact: true })).toHaveValue('2026-02-30 10:00');
  } finally {
    await context.close();
  }
});
