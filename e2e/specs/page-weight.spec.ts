import { expect, test } from '../support/fixtures';

const BUDGET = 200 * 1024;

test('every page weighs at most 200 KB compressed on a first visit', async ({
  browser,
  baseURL,
  traffic,
  backendName,
}) => {
  for (let i = 0; i < 30; i++) traffic.tracker.trackBandwidthUpload(backendName, 's3', 1000 + i, { path: `w/${i}` });
  await traffic.tracker.flush();
  const report: string[] = [];
  for (const [name, path] of [
    ['overview', '/'],
    ['backend', `/backends/${backendName}?range=30d`],
    ['cost', '/cost'],
    ['usage', '/usage'],
    ['export', '/export'],
  ] as const) {
    // A fresh browser each time: nothing cached, as a first visit.
    const context = await browser.newContext({ baseURL });
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      let bytes = 0;
      let js = 0;
      const types = new Map<string, string>();
      cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
      cdp.on('Network.loadingFinished', (e) => {
        bytes += e.encodedDataLength;
        if (types.get(e.requestId) === 'Script') js += e.encodedDataLength;
      });
      // Not 'networkidle': the overview's live feed is a stream that stays open (and is never "finished",
      // so it is not counted). Everything the page loads after 'load' has a moment to arrive.
      await page.goto(path, { waitUntil: 'load' });
      await page.waitForTimeout(1500);
      report.push(`${name} ${(bytes / 1024).toFixed(0)} KB (JS ${(js / 1024).toFixed(0)} KB)`);
      expect(bytes, `${name}: ${bytes} bytes`).toBeLessThanOrEqual(BUDGET);
    } finally {
      await context.close();
    }
  }
  console.log(`page weight, compressed: ${report.join(' · ')}`);
});
