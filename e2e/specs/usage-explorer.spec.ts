import { readFile } from 'node:fs/promises';
import { fieldValue } from '../support/dates';
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
  await page.getByLabel('From (UTC, optional)').fill(fieldValue(new Date(threeDaysAgo.getTime() - 60_000)));
  await page.getByLabel('To (UTC, optional)').fill(fieldValue(new Date(threeDaysAgo.getTime() + 10 * 60_000)));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('4');
  await expect(rows.locator('[data-amount]')).toHaveText(['13 B', '12 B', '11 B', '10 B']); // newest first

  // Backend type LOCAL with this backend matches nothing.
  await page.getByLabel('Backend type').selectOption('LOCAL');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();

  // Dates are entered in the viewer's zone: the same four events between the Kolkata wall times.
  const kolkata = (d: Date) => fieldValue(d, 330 * 60_000);
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
  await expect(page.getByLabel('Backend', { exact: true })).toHaveValue(backendName);
  await expect(page.getByLabel('From (Asia/Kolkata, optional)')).toHaveValue(
    kolkata(new Date(threeDaysAgo.getTime() - 60_000)),
  );
});

test('explorer totals, failed-only and path filters, first/last paging, export by resource with units', async ({
  page,
  api,
  backendName,
  snap,
}) => {
  const s3 = { backend: backendName, backendType: 'S3' as const };
  const start = Date.now() - 30 * 60_000;
  // 60 uploads one second apart (u0 the oldest) under photos/ or videos/, and 9 calls of which 5 failed.
  const uploads = Array.from({ length: 60 }, (_, i) => ({
    ...s3,
    id: `${backendName}-u${i}`,
    resourceType: 'BANDWIDTH_UPLOAD' as const,
    amount: 1024 * (i + 1),
    path: i % 3 === 0 ? `videos/${i}.mp4` : `photos/${i}.jpg`,
    timestamp: new Date(start + i * 1000).toISOString(),
  }));
  const calls = Array.from({ length: 9 }, (_, i) => ({
    ...s3,
    id: `${backendName}-c${i}`,
    resourceType: 'API_CALLS' as const,
    amount: 1,
    path: `photos/${i}.jpg`,
    success: i % 2 === 1,
    timestamp: new Date(start + 61_000 + i * 1000).toISOString(),
  }));
  expect((await api.trackUsage([...uploads, ...calls])).accepted).toBe(69);

  await page.goto(`/usage?backend=${encodeURIComponent(backendName)}`);
  const totals = page.getByTestId('filtered-totals');
  // Totals cover every matching event, not only the 25 shown; each resource in its own unit.
  await expect(totals.locator('[data-resource="BANDWIDTH_UPLOAD"] [data-total]')).toHaveAttribute(
    'data-total',
    String((1024 * 60 * 61) / 2),
  );
  await expect(totals.locator('[data-resource="BANDWIDTH_UPLOAD"]')).toContainText('1.79 MiB');
  await expect(totals.locator('[data-resource="BANDWIDTH_UPLOAD"]')).toContainText('60 events');
  await expect(totals.locator('[data-resource="API_CALLS"]')).toContainText('9 calls');

  // Last jumps straight to the oldest 25; Previous walks back towards the newest; First returns.
  const rows = page.getByTestId('events-table').locator('tbody tr');
  await page.getByRole('link', { name: 'Last »' }).click();
  await expect(page.getByTestId('page-label')).toContainText('events 45–69 of 69');
  await expect(rows).toHaveCount(25);
  await expect(rows.last()).toHaveAttribute('data-event-id', `${backendName}-u0`);
  await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page.getByTestId('page-label')).toContainText('events 20–44 of 69');
  await expect(rows.last()).toHaveAttribute('data-event-id', `${backendName}-u25`);
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(rows.first()).toHaveAttribute('data-event-id', `${backendName}-u24`);
  await page.getByRole('link', { name: '« First' }).click();
  await expect(page.getByTestId('page-label')).toContainText('Page 1 · events 1–25 of 69');
  await expect(rows.first()).toHaveAttribute('data-event-id', `${backendName}-c8`);
  await expect(page.getByRole('link', { name: '« First' })).toHaveCount(0);

  // Failed only: the four failed calls, and totals of just those.
  await page.getByLabel('Result').selectOption('failed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/result=failed/);
  await expect(page.getByTestId('total-count')).toHaveText('5');
  await expect(rows).toHaveCount(5);
  await expect(rows.filter({ hasText: 'failed' })).toHaveCount(5);
  await expect(totals.locator('[data-resource="API_CALLS"]')).toContainText('5 calls');

  // Path prefix, exact and case-sensitive: 20 videos; "Videos/" matches nothing.
  await page.getByLabel('Result').selectOption('');
  await page.getByLabel('Path starts with').fill('videos/');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('20');
  await expect(rows.locator('td:last-child')).toHaveText(
    Array.from({ length: 20 }, (_, k) => `videos/${57 - 3 * k}.mp4`),
  );
  await snap(page, 'usage-explorer-filtered');
  await page.getByLabel('Path starts with').fill('Videos/');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();

  // The filters go to Export, which narrows by resource too; the CSV says each amount's unit.
  await page.getByLabel('Path starts with').fill('photos/');
  await page.getByLabel('Resource').selectOption('API_CALLS');
  await page.getByLabel('Result').selectOption('failed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('5');
  await page.getByRole('link', { name: 'Export these…' }).click();
  await expect(page.getByLabel('Resource')).toHaveValue('API_CALLS');
  await expect(page.getByLabel('Result')).toHaveValue('failed');
  await expect(page.getByLabel('Path starts with')).toHaveValue('photos/');
  await page.getByLabel('Format').selectOption('csv');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  const header = lines[0]!.split(',');
  expect(header.slice(5, 7)).toEqual(['amount', 'unit']);
  const body = lines.slice(1).map((l) => l.split(','));
  expect(body.map((r) => r[0])).toEqual([0, 2, 4, 6, 8].map((i) => `${backendName}-c${i}`));
  expect(body.every((r) => r[4] === 'api_calls' && r[6] === 'calls' && r[header.indexOf('success')] === 'false')).toBe(
    true,
  );
});
