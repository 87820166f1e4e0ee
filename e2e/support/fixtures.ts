import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BytemeterClient, createBytemeterClient } from '@bytemeter/client';
import { openResourceTracker, type ResourceTracker } from '@bytemeter/tracker';
import { type InstrumentedFs, instrumentFs } from '@bytemeter/tracker/fs';
import { type RunningStack, startStack } from '@bytemeter/web/stack';
import { test as base, expect, type Page } from '@playwright/test';

/** Where page screenshots are kept as test artifacts (gitignored). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', 'artifacts');

export interface Traffic {
  /** The in-process tracker on the suite's database (another process than the API, as in real use). */
  tracker: ResourceTracker;
  /** A local-disk backend named `backend`, instrumented: every write, read and delete is recorded. */
  disk(backend: string): InstrumentedFs & { dir: string };
}

interface TestFixtures {
  /** The SDK on the API the dashboard under test talks to: what the pages must show, and traffic. */
  api: BytemeterClient;
  /** A backend name no other test uses. */
  backendName: string;
  /** Starts another API + dashboard pair (own database, options as given), stopped after the test. */
  ownStack: (options: { dbPath: string; apiRestartDelayMs?: number; env?: NodeJS.ProcessEnv }) => Promise<RunningStack>;
  /** Saves a full-page screenshot of `page` into artifacts/NAME.png. */
  snap: (page: Page, name: string) => Promise<void>;
}

interface WorkerFixtures {
  traffic: Traffic;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through \`pnpm --filter @bytemeter/e2e test\`.`);
  return value;
}

/**
 * Playwright's test with typed fixtures over the running stack (see support/global-setup.ts).
 * @example test('x', async ({ page, api, traffic, backendName }) => { … })
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  baseURL: async ({}, use) => use(required('BYTEMETER_E2E_WEB_URL')),
  api: async ({}, use) => {
    const client = createBytemeterClient({ url: required('BYTEMETER_E2E_API_URL') });
    await use(client);
    await client.close();
  },
  backendName: async ({}, use, testInfo) => {
    const slug = testInfo.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 24)
      .replace(/-$/, '');
    await use(`${slug}-${testInfo.testId.slice(0, 6)}`);
  },
  traffic: [
    async ({}, use) => {
      const tracker = openResourceTracker({ path: required('BYTEMETER_E2E_DB'), flushIntervalMs: 100 });
      await tracker.ready;
      const dirs: string[] = [];
      await use({
        tracker,
        disk(backend) {
          const dir = mkdtempSync(join(tmpdir(), `bytemeter-disk-${backend}-`));
          dirs.push(dir);
          return Object.assign(instrumentFs({ backend, tracker }), { dir });
        },
      });
      await tracker.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  ownStack: async ({}, use, testInfo) => {
    const started: RunningStack[] = [];
    const logs: number[] = [];
    await use(async ({ dbPath, apiRestartDelayMs, env }) => {
      // Its servers' output goes to the test's own output folder, to read when the test fails.
      mkdirSync(testInfo.outputDir, { recursive: true });
      const log = openSync(testInfo.outputPath(`servers-${started.length}.log`), 'w');
      logs.push(log);
      const stack = await startStack({
        dbPath,
        stdio: log,
        ...(apiRestartDelayMs === undefined ? {} : { apiRestartDelayMs }),
        ...(env === undefined ? {} : { env }),
        log: () => undefined,
      });
      started.push(stack);
      return stack;
    });
    await Promise.all(started.map((s) => s.stop()));
    for (const log of logs) closeSync(log);
  },
  snap: async ({}, use) => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await use(async (page, name) => {
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };
