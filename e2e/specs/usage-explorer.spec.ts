import { expect, test } from '../support/fixtures';

test('explorer filters by backend and resource and pages through 25 at a time', async ({
  page,
  traffic,
  backendName,
  snap,
}) => {
  for (let i = 0; i < 55; i++) traffic.tracker.trackBandwidthUpload(backendName, 's3', 1000 + i, { path: `k/${i}` });
  for (let i = 0; i < 7; i++) traffic.tracker.trackApiCall(backendName, 's3', { success: i % 2 === 0 });
  traffic.tracker.trackBandwidthUpload(`${backendName}-other`, 'local', 5);
  await traffic.tracker.flush();

  await page.goto('/usage');
  await page.getByLabel('Backend', { exact: true }).selectOption(backendName);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`backend=${backendName}`));
  await expect(page.getByTestId('total-count')).toHaveText('62');
  const rows = page.getByTestId('events-table').locator('tbody tr');
  await expect(rows).toHaveCount(25);
  await snap(page, 'usage-explorer');

  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByTestId('page-label')).toContainText('Page 2 · events 26–50 of 62');
  await expect(rows).toHaveCount(25);
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByTestId('page-label')).toContainText('events 51–62 of 62');
  await expect(rows).toHaveCount(12);
  await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page.getByTestId('page-label')).toContainText('Page 2');

  // Narrow to API calls: 7 events, 3 of them failed and marked.
  await page.getByLabel('Resource').selectOption('API_CALLS');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('7');
  await expect(page.getByTestId('page-label')).toContainText('Page 1');
  await expect(rows.filter({ hasText: 'failed' })).toHaveCount(3);

  // Backend type LOCAL with this backend matches nothing.
  await page.getByLabel('Backend type').selectOption('LOCAL');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();
});
