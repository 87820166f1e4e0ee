import { defineConfig } from 'vitest/config';

// Unit tests of the dashboard's pure code (chart models, scales); the pages are tested by e2e/ in a browser.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
