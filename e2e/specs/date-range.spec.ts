import { expect, test } from '../support/fixtures';

const HOUR = 3_600_000;
const KOLKATA_MS = 5.5 * HOUR; // Asia/Kolkata has no daylight saving time

/** Midnight `daysAgo` days back as a Kolkata wall time ("YYYY-MM-DDT00:00") and as the instant it is. */
function kolkataMidnight(daysAgo: number): { wall: string; iso: string } {
  const day = new Date(Date.now() + KOLKATA_MS - daysAgo * 24 * HOUR).toISOString().slice(0, 10);
  return { wall: `${day}T00:00`, iso: new Date(Date.parse(`${day}T00:00:00Z`) - KOLKATA_MS).toISOString() };
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
  const rows = figure.locator('.chart-numbers tr[data-t]');
  expect(await rows.evaluateAll((r) => r.map((x) => ({ t: x.dataset.t, v: Number(x.dataset.v) })))).toEqual(
    series.map((p) => ({ t: p.bucketStart, v: p.totalAmount })),
  );
  // A range that ended in the past has no bucket still filling.
  await expect(figure.locator('tr[data-partial]')).toHaveCount(0);
  // Its storage level ends at what was stored at its end, not at today's level.
  await expect(page.getByTestId('stored-now')).toHaveText('7.32 KiB');
  await expect(page.locator('[aria-label="Storage level"] figure')).toHaveAttribute('data-last', '7000');

  // A range that ends before it starts is refused with a reason and changes nothing else.
  await page.goto(`/backends/${backendName}?range=custom&from=${to.wall}&to=${from.wall}&tz=Asia%2FKolkata`);
  await expect(page.getByTestId('range-error')).toContainText('must end after it starts');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(to.wall);
  await expect(figure).toHaveAttribute('data-granularity', 'HOUR'); // the default 24 hours, drawn instead
});
