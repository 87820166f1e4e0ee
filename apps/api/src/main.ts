#!/usr/bin/env node
// `pnpm --filter @bytemeter/api start`: serves the API with the settings from the environment.
import { startApiServer } from './server.js';
import { readSettings } from './settings.js';

const settings = readSettings();
startApiServer({ settings }).then(
  (api) => {
    process.stdout.write(
      `bytemeter api on ${api.url}/graphql (database ${api.tracker.path}); /export, /healthz; WebSocket on the same path\n`,
    );
    const stop = () => {
      api.close().then(
        () => process.exit(0),
        // close() rejects when the last flush left events unwritten or refused one: say which before exiting.
        (error: unknown) => {
          process.stderr.write(`bytemeter api: on shutdown: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: unknown) => {
    process.stderr.write(`bytemeter api: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
