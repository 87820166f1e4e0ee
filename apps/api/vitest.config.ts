import '../../scripts/require-node.mjs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Pothos, Yoga and the executor are loaded by Node and get the `graphql` file Node's conditions pick
// (graphql 17: index.mjs through `module-sync`); Vite would resolve test and source files with its own
// conditions to another build, and two graphql instances refuse each other's errors and types. Point
// every `graphql` import at the file Node picks.
const graphql = fileURLToPath(import.meta.resolve('graphql'));

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphql }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The tracker's PostgreSQL server for this run (found on 127.0.0.1:5432, or started): each test
    // database it hands out is dropped when the run ends.
    globalSetup: ['../../packages/tracker/test/setup/postgres-server.ts'],
    // The whole suite once per store, as the tracker's: `vitest run --project sqlite` runs one.
    projects: [
      { extends: true, test: { name: 'sqlite', env: { BYTEMETER_TEST_DIALECT: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', env: { BYTEMETER_TEST_DIALECT: 'postgres' } } },
    ],
  },
});
