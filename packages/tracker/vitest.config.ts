import '../../scripts/require-node.mjs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A PostgreSQL server for the suites that run on both dialects (found, or started for the run).
    globalSetup: ['./test/setup/postgres-server.ts'],
    // Each PostgreSQL test creates its own database (a checkpoint on the server): seconds on a busy machine.
    testTimeout: 30_000,
  },
});
