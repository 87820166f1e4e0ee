import { readFile } from 'node:fs/promises';
import { fieldValue } from '../support/dates';
import { expect, test } from '../support/fixtures';

test('an export download sums to what the API reports for the same range', async ({
  page,
  api,
  traffic,
  backendName,
  snap,
}) => {
  const disk = traffic.disk(backendName);
  for (let i = 0; i < 8; i++) await disk.writeFile(`${disk.dir}/e${i}.bin`, Buffer.alloc(4096 + i * 17, i));
  await disk.readFile(`${disk.dir}/e3.bin`);
  traffic.tracker.trackCost(backendName, 'local', 3.25);
  await traffic.tracker.flush();

  const minute = 60_000;
  const from = new Date(Math.floor(Date.now() / minute) * minute - 10 * minute);
  const to = new Date(Math.ceil(Date.now() / minute) * minute + 2 * minute);
  await page.goto('/export');
  await page.getByLabel('Backend', { exact: true }).selectOption(backendName);
  await page.getByLabel('From (UTC, optional)').fill(fieldValue(from));
  await page.getByLabel('To (UTC, optional)').fill(fieldValue(to));
  await page.getByLabel('Format').selectOption('ndjson');
  await snap(page, 'export');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.ndjson$/);
  const text = await readFile(await download.path(), 'utf8');
  const events = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { resourceType: string; amount: number; backend: string });

  const usageSummary = await api.getUsageSummary({
    range: { from: from.toISOString(), to: to.toISOString() },
    backend: backendName,
  });
  const resources = usageSummary.backends[0]?.resources ?? [];
  expect(resources.length).toBeGreaterThan(0);
  for (const r of resources) {
    const mine = events.filter((e) => e.resourceType.toUpperCase() === r.resourceType); // exports use the tracker's lower-case names
    expect.soft(mine.length, `${r.resourceType} count`).toBe(r.operationCount);
    expect
      .soft(
        mine.reduce((s, e) => s + e.amount, 0),
        `${r.resourceType} sum`,
      )
      .toBe(r.totalAmount);
  }
  expect(events.every((e) => e.backend === backendName)).toBe(true);
  expect(resources.find((r) => r.resourceType === 'BANDWIDTH_UPLOAD')?.totalAmount).toBe(8 * 4096 + 17 * 28);
});
