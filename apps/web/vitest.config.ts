import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests of the dashboard's pure code (chart models, scales, dates) and of its form fields rendered to
// HTML on the server, as the pages send them; the pages themselves are tested by e2e/ in a browser.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: { include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
});
