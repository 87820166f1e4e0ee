#!/usr/bin/env node
// The `bytemeter` command. Commands load their data source on demand, so start-up stays light.
import { run } from './run.js';
import { writeLine } from './write-line.js';

// `pnpm bytemeter …` runs this from packages/cli; relative paths (--db, --output) mean the caller's directory.
if (process.env.npm_lifecycle_event === 'bytemeter' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// A closed pipe (`bytemeter usage | head -0`) ends the output, not the program with a stack trace: whatever
// was printed was read, so the command still succeeds.
process.stdout.on('error', (error: Error & { code?: string }) => {
  if (error.code !== 'EPIPE') throw error;
});

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    writeLine(process.stderr, `bytemeter: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
