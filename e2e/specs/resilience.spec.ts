import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { freePorts, startStack } from '@bytemeter/web/stack';
import { expect, test } from '../support/fixtures';

const serveScript = join(import.meta.dirname, '../../apps/web/scripts/serve.mjs');

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('with the API down every page says where it looked, keeps its layout and fills in when the API is back', async ({
  page,
  ownStack,
  snap,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-down-'));
  try {
    const dbPath = join(dir, 'tracker.db');
    const stack = await ownStack({ dbPath, apiRestartDelayMs: 8_000 });
    const tracker = openResourceTracker({ path: dbPath, flushIntervalMs: 100 });
    tracker.trackBandwidthUpload('down-test', 's3', 4096, { path: 'x' });
    await tracker.close();
    await page.goto(stack.webUrl);
    await expect(page.getByTestId('total-upload')).toBeVisible();

    await stack.killApi();
    for (const path of ['/', '/backends/down-test', '/usage', '/export']) {
      await page.goto(`${stack.webUrl}${path}`);
      await expect(page.getByTestId('api-down'), path).toContainText(
        `Cannot reach the bytemeter API at ${stack.apiUrl}`,
      );
      await expect(page.getByRole('navigation').first()).toBeVisible();
      await expect(page.getByText('Minified React error')).toHaveCount(0);
    }
    await snap(page, 'api-down');
    // The stack restarts the API by itself; the open page retries by itself and fills in.
    await expect(page.getByTestId('api-down')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByRole('heading', { name: 'Download events' })).toBeVisible();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken port fails the start with a clear message and a non-zero exit, and no banner', async () => {
  const [taken, other] = (await freePorts(2)) as [number, number];
  const blocker = await listenOn(taken);
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-ports-'));
  try {
    await expect(startStack({ dbPath: join(dir, 'a.db'), webPort: taken, stdio: 'ignore' })).rejects.toThrow(
      `Port ${taken} on 127.0.0.1 is already in use`,
    );
    const child = spawn(process.execPath, [serveScript], {
      env: {
        ...process.env,
        BYTEMETER_DB: join(dir, 'b.db'),
        BYTEMETER_API_PORT: String(other),
        BYTEMETER_WEB_PORT: String(taken),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain(`Port ${taken} on 127.0.0.1 is already in use`);
    expect(out).not.toContain('dashboard');
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without JavaScript the live card agrees with "Bandwidth now"', async ({
  browser,
  baseURL,
  traffic,
  backendName,
}) => {
  traffic.tracker.trackBandwidthUpload(backendName, 's3', 1024, { path: 'nojs' });
  await traffic.tracker.flush();
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  try {
    const page = await context.newPage();
    await page.goto('/');
    const now = await page.getByTestId('total-mbps-now').textContent();
    const live = page.getByTestId('live-chart');
    await expect(live).toContainText(`Bandwidth now ${now}`);
    await expect(live).not.toContainText('0 B moved');
  } finally {
    await context.close();
  }
});
