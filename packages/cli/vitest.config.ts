import '../../scripts/require-node.mjs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tracker's PostgreSQL server for the run (found, or started), for `bytemeter copy`.
    globalSetup: ['../tracker/test/setup/postgres-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
