#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { BytemeterError, openResourceTracker } from '@bytemeter/tracker';
import { TOKEN_HELP, tokenCommand } from './commands/token.js';
import { type UsageFlags, usageCommand } from './commands/usage.js';

const HELP = `bytemeter — what your application spends on storage backends

Usage:
  bytemeter usage [--period hour|day|week|month] [--backend N] [--type T] [--timezone Z] [--json]
${TOKEN_HELP}

Global:
  --db PATH     SQLite file (default $BYTEMETER_DB, else ~/.bytemeter/tracker.db)
  --help        this text`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (command === 'token') {
    process.stdout.write(`${await tokenCommand(args)}\n`);
    return 0;
  }
  if (command !== 'usage') {
    process.stderr.write(`bytemeter: unknown command "${command}".\n\n${HELP}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      period: { type: 'string' },
      backend: { type: 'string' },
      type: { type: 'string' },
      timezone: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const tracker = openResourceTracker({ ...(values.db ? { path: values.db } : {}), flushOnExit: false });
  try {
    process.stdout.write(`${await usageCommand(tracker, values as UsageFlags)}\n`);
    return 0;
  } finally {
    await tracker.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof BytemeterError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`bytemeter: ${(error as Error).message}\n`);
    process.exitCode = known ? 2 : 1;
  },
);
