import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { expect, test } from '../support/fixtures';

test('a fresh database shows the three lines that start tracking', async ({ page, ownStack, snap }) => {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-empty-'));
  try {
    const stack = await ownStack({ dbPath: join(dir, 'tracker.db') });
    await page.goto(stack.webUrl);
    const empty = page.getByTestId('empty-state');
    await expect(empty).toContainText("import { openResourceTracker } from '@bytemeter/tracker';");
    await expect(empty).toContainText('const tracker = openResourceTracker();');
    await expect(empty).toContainText("tracker.trackBandwidthUpload('photos', 's3'");
    await snap(page, 'empty-state');
    // The promise holds: the first event fills the page in without a reload.
    const tracker = openResourceTracker({ path: join(dir, 'tracker.db'), flushIntervalMs: 100 });
    tracker.trackBandwidthUpload('first-backend', 's3', 2048, { path: 'first' });
    await tracker.close();
    await expect(page.getByTestId('total-upload')).toHaveText('2.00 KiB', { timeout: 15_000 });
    await expect(empty).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every page is server-rendered, keyboard-navigable and fits a phone', async ({
  page,
  browser,
  baseURL,
  traffic,
  backendName,
  snap,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 2048, { path: 'a/b' });
  await traffic.tracker.flush();
  const pages = ['/', `/backends/${backendName}`, '/cost', '/usage', '/export'];
  // Server-rendered first paint: the HTML itself carries the data, before any script runs.
  for (const path of pages) {
    const html = await (await page.request.get(path)).text();
    expect(html, path).toContain(path === '/export' ? 'Download' : backendName);
  }
  // The skip link and the main navigation are reachable from the keyboard.
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Cost', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Usage explorer' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/usage$/);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL });
  try {
    const small = await phone.newPage();
    for (const [i, path] of pages.entries()) {
      await small.goto(path);
      await expect(small.getByRole('heading', { level: 1 })).toBeVisible();
      // Wide tables scroll inside their panel; the page itself never scrolls sideways.
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      await snap(small, `phone-${['overview', 'backend', 'cost', 'usage', 'export'][i]}`);
    }
  } finally {
    await phone.close();
  }
});
