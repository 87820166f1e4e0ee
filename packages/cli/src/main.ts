#!/usr/bin/env node
// The `bytemeter` command. Commands load their data source on demand, so start-up stays light.
import { run } from './run.js';

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bytemeter: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
