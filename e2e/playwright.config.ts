import { defineConfig } from '@playwright/test';

/** Debian's Chromium (never a downloaded browser) with the flags that keep it quiet on a closed network. */
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ],
};

export default defineConfig({
  testDir: './specs',
  forbidOnly: !!process.env.CI,
  retries: 0,
  // One browser at a time: the machine has two cores shared with the servers under test.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: './test-results',
  globalSetup: './support/global-setup.ts',
  use: {
    baseURL: process.env.BYTEMETER_E2E_WEB_URL,
    // The dashboard starts in the browser's zone; pin it so the suite does not depend on the host's.
    timezoneId: 'UTC',
    launchOptions: chromium,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'desktop', use: { viewport: { width: 1366, height: 768 } } }],
});
