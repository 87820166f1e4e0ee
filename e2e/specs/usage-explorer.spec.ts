import { expect, test } from '../support/fixtures';

test('explorer filters by backend, resource and time, and pages through 25 at a time', async ({
  page,
  api,
  backendName,
  snap,
}) => {
  // Sent through the SDK's trackUsage, as a remote application would.
  const s3 = { backend: backendName, backendType: 'S3' as const };
  const uploads = Array.from({ length: 55 }, (_, i) => ({
    ...s3,
    resourceType: 'BANDWIDTH_UPLOAD' as const,
    amount: 1000 + i,
    path: `k/${i}`,
  }));
  const calls = Array.from({ length: 7 }, (_, i) => ({
    ...s3,
    resourceType: 'API_CALLS' as const,
    amount: 1,
    success: i % 2 === 0,
  }));
  const other = {
    backend: `${backendName}-other`,
    backendType: 'LOCAL' as const,
    resourceType: 'BANDWIDTH_UPLOAD' as const,
    amount: 5,
  };
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
  const older = Array.from({ length: 4 }, (_, i) => ({
    ...s3,
    resourceType: 'BANDWIDTH_DOWNLOAD' as const,
    amount: 10 + i,
    timestamp: new Date(threeDaysAgo.getTime() + i * 60_000).toISOString(),
  }));
  const stored = await api.trackUsage([...uploads, ...calls, other, ...older]);
  expect(stored.accepted).toBe(67);

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

  // Time range: the last 7 days reach the four older events; an explicit from/to holds only them.
  await page.getByLabel('Resource').selectOption('');
  await page.getByLabel('Time range').selectOption('168');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('66');
  const minute = (d: Date) => d.toISOString().slice(0, 16);
  await page.getByLabel('From (UTC, optional)').fill(minute(new Date(threeDaysAgo.getTime() - 60_000)));
  await page.getByLabel('To (UTC, optional)').fill(minute(new Date(threeDaysAgo.getTime() + 10 * 60_000)));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('4');
  await expect(rows.locator('[data-amount]')).toHaveText(['13 B', '12 B', '11 B', '10 B']); // newest first

  // Backend type LOCAL with this backend matches nothing.
  await page.getByLabel('Backend type').selectOption('LOCAL');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();

  // Dates are entered in the viewer's zone: the same four events between the Kolkata wall times.
  const kolkata = (d: Date) => new Date(d.getTime() + 330 * 60_000).toISOString().slice(0, 16);
  await page.goto(`/usage?tz=Asia%2FKolkata&backend=${encodeURIComponent(backendName)}&hours=168`);
  await page.getByLabel('From (Asia/Kolkata, optional)').fill(kolkata(new Date(threeDaysAgo.getTime() - 60_000)));
  await page.getByLabel('To (Asia/Kolkata, optional)').fill(kolkata(new Date(threeDaysAgo.getTime() + 10 * 60_000)));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('4');
  await expect(page.getByLabel('From (Asia/Kolkata, optional)')).toHaveValue(
    kolkata(new Date(threeDaysAgo.getTime() - 60_000)),
  );
  // The filters go along to Export.
  await page.getByRole('link', { name: 'Export these…' }).click();
  await expect(page).toHaveURL(/\/export\?/);
  await expect(page.getByLabel('Backend')).toHaveValue(backendName);
  await expect(page.getByLabel('From (Asia/Kolkata, optional)')).toHaveValue(
    kolkata(new Date(threeDaysAgo.getTime() - 60_000)),
  );
});
