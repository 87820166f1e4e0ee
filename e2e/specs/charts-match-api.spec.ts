import { askedOf, chartRows } from '../support/charts';
import { expect, test } from '../support/fixtures';

const ZONES = ['UTC', 'Asia/Kolkata', 'America/New_York'];
const RANGES = ['24h', '30d', '90d'];
const HOUR = 3_600_000;

test('every backend chart draws exactly the buckets timeSeries returns, in every zone and range', async ({
  page,
  api,
  traffic,
  backendName,
}) => {
  // 95 days of traffic, one event set every 5 hours (a step that walks through every hour of the day),
  // so each zone's day and week boundaries cut through real data.
  const now = Date.now();
  for (let t = now - 95 * 24 * HOUR, i = 0; t < now; t += 5 * HOUR, i++) {
    const timestamp = t;
    traffic.tracker.trackBandwidthUpload(backendName, 's3', 1000 + (i % 7) * 313, { timestamp, path: `f${i}` });
    traffic.tracker.trackStorageUsage(backendName, 's3', i % 3 === 2 ? -500 : 900, { timestamp, path: `f${i}` });
    traffic.tracker.trackApiCall(backendName, 's3', { timestamp, success: i % 11 !== 0 });
  }
  await traffic.tracker.flush();

  for (const tz of ZONES) {
    for (const range of RANGES) {
      await page.goto(`/backends/${backendName}?range=${range}&tz=${encodeURIComponent(tz)}`);
      for (const resourceType of ['BANDWIDTH_UPLOAD', 'API_CALLS'] as const) {
        const figure = page.locator(`[data-series="${resourceType}"] figure`);
        const asked = await askedOf(figure);
        expect(asked.timezone).toBe(tz);
        const series = await api.getTimeSeries({ resourceType, ...asked, backend: backendName });
        // The chart's buckets: the rows it hands to uPlot, also its numbers table.
        const bars = (await chartRows(figure)).map(({ t, v }) => ({ t, v }));
        expect(bars, `${resourceType} ${range} ${tz}`).toEqual(
          series.map((p) => ({ t: p.bucketStart, v: p.totalAmount })),
        );
        expect(bars.length).toBeGreaterThanOrEqual(range === '24h' ? 4 : 12);
      }
      // The storage level has one point per API bucket of storage changes, at the same bucket starts.
      const storageFigure = page.locator('[aria-label="Storage level"] figure');
      const storage = await api.getTimeSeries({
        resourceType: 'STORAGE_USED',
        ...(await askedOf(storageFigure)),
        backend: backendName,
      });
      const dots = (await chartRows(storageFigure)).map((r) => r.t);
      expect(dots).toEqual(storage.map((p) => p.bucketStart));
    }
  }

  // What the issue saw, checked directly: 90-day bars are ISO weeks starting on Monday in the zone.
  await page.goto(`/backends/${backendName}?range=90d&tz=Asia%2FKolkata`);
  const starts = (await chartRows(page.locator('[data-series="BANDWIDTH_UPLOAD"] figure'))).map((r) => r.t);
  for (const t of starts.slice(1)) expect(t, t).toMatch(/T00:00:00(\.000)?\+05:30$/);
  for (const t of starts.slice(1)) expect(new Date(`${t.slice(0, 10)}T12:00:00Z`).getUTCDay(), t).toBe(1);
  // The last (current) bucket is still filling and marked so.
  const lastRow = page.locator('[data-series="BANDWIDTH_UPLOAD"] .chart-numbers tr[data-t]').last();
  await expect(lastRow).toHaveAttribute('data-partial', 'true');
  await expect(lastRow).toContainText('partial');
});
