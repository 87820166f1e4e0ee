import { expect, test } from '../support/fixtures';

const PAGES = { overview: '/', backend: '', cost: '/cost', usage: '/usage', export: '/export' };

test('every page in light and dark (prefers-color-scheme), screenshots kept as artifacts', async ({
  browser,
  baseURL,
  traffic,
  backendName,
  snap,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 3 * 1024 ** 2, { path: 'shot/a' });
  traffic.tracker.trackApiCall(backendName, 's3', { success: false, path: 'shot/b' });
  await traffic.tracker.flush();
  const backgrounds: Record<string, string> = {};
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme, baseURL, viewport: { width: 1366, height: 768 } });
    try {
      const page = await context.newPage();
      for (const [name, path] of Object.entries(PAGES)) {
        await page.goto(path || `/backends/${backendName}`);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        // The charts are drawn after the page loads (uPlot is fetched then): shoot them drawn.
        if (name === 'overview' || name === 'backend') {
          await expect(page.locator('figure[data-drawn="true"]').first()).toBeVisible();
        }
        await snap(page, `${name}-${colorScheme}`);
      }
      backgrounds[colorScheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    } finally {
      await context.close();
    }
  }
  // Dark mode really changes the page (not only the screenshot's name).
  expect(backgrounds.dark).not.toBe(backgrounds.light);
});
