import type { Writable } from 'node:stream';
import { assertTimeZone, defaultDatabasePath } from '@bytemeter/tracker';
import { parseCommandArgs, resolveTarget, type Target } from './args.js';
import { CliError, EXIT, type ExitCode } from './cli-error.js';
import { COMMAND_HELP, HELP } from './help.js';
import {
  localTimeZone,
  parseBackendType,
  parseFormat,
  parseHours,
  parseInstant,
  parseInteger,
  parsePeriod,
  parseResourceType,
} from './options.js';
import { colorsFor, type Output } from './paint.js';
import { openReader, openWriter } from './source/open-target.js';
import type { UsageReader } from './source/usage-reader.js';
import { parseRange, parseTime } from './time-flags.js';
import { writeLine } from './write-line.js';

export interface RunIo {
  /** Coloured when it is a terminal (isTTY) and NO_COLOR is unset. */
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The clock for windows ending now (details, export) and the current period (usage). */
  now: () => number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);

/**
 * Runs one bytemeter command line and returns its exit code; output goes to io.stdout, errors and
 * progress to io.stderr.
 * @example process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now })
 */
export async function run(argv: readonly string[], io: RunIo): Promise<ExitCode> {
  const [command, ...args] = argv;
  const colors = colorsFor(io.stdout, io.env);
  const print = (text: Output): void => writeLine(io.stdout, text, colors);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    writeLine(command ? io.stdout : io.stderr, HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  const help = COMMAND_HELP[command];
  if (!help) {
    writeLine(
      io.stderr,
      `bytemeter: unknown command "${command}". Commands: ${Object.keys(COMMAND_HELP).join(', ')}. Run \`bytemeter --help\`.`,
    );
    return EXIT.USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    print(`Usage:\n${help}`);
    return EXIT.OK;
  }
  let target: Target | undefined;
  try {
    if (command === 'token') {
      if (
        args.some(
          (a) => a === '--endpoint' || a.startsWith('--endpoint=') || a === '--token' || a.startsWith('--token='),
        )
      ) {
        throw new CliError(
          'bytemeter token manages the tokens stored in a database: run it where the API runs, with --db PATH.',
        );
      }
      const { tokenCommand } = await import('./commands/token.js');
      print(await tokenCommand([...args], io.env));
      return EXIT.OK;
    }
    if (command === 'copy') return await copy(args, io, print);
    if (command === 'budget' || command === 'alerts') {
      const { budgetCommands } = await import('./budget-run.js');
      return await budgetCommands(command, args, io, print, untilInterrupted);
    }
    const readerOptions = {
      usage: {
        period: { type: 'string' },
        backend: { type: 'string' },
        type: { type: 'string' },
        timezone: { type: 'string' },
        at: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
      details: {
        hours: { type: 'string' },
        resource: { type: 'string' },
        backend: { type: 'string' },
        type: { type: 'string' },
        limit: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        timezone: { type: 'string' },
      },
      status: {
        backend: { type: 'string' },
        watch: { type: 'boolean', short: 'w' },
        interval: { type: 'string' },
        count: { type: 'string' },
      },
      live: { backend: { type: 'string' }, interval: { type: 'string' }, count: { type: 'string' } },
      export: {
        hours: { type: 'string' },
        format: { type: 'string' },
        backend: { type: 'string' },
        output: { type: 'string', short: 'o' },
        progress: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        timezone: { type: 'string' },
      },
      cost: {
        period: { type: 'string' },
        at: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        timezone: { type: 'string' },
        backend: { type: 'string' },
      },
      plan: {
        file: { type: 'string' },
        template: { type: 'string' },
        timezone: { type: 'string' },
        'effective-from': { type: 'string' },
      },
      track: {
        path: { type: 'string' },
        'operation-id': { type: 'string' },
        id: { type: 'string' },
        at: { type: 'string' },
        failed: { type: 'boolean' },
        'duration-ms': { type: 'string' },
        metadata: { type: 'string' },
        level: { type: 'boolean' },
      },
    } as const;
    const { values: v, positionals } = parseCommandArgs(
      command,
      args,
      readerOptions[command as keyof typeof readerOptions],
      command === 'track' || command === 'plan',
    );
    const values = v as Record<string, string | boolean | undefined>;
    target = resolveTarget(values, io.env);
    const json = bool(values.json) ?? false;

    if (command === 'track') {
      const { trackCommand } = await import('./commands/track.js');
      print(await trackCommand(positionals, values as never, target, openWriter));
      return EXIT.OK;
    }
    // Every flag is checked before the database or the server is touched.
    const now = io.now();
    if (command === 'live') {
      const intervalMs = parseInteger('interval', str(values.interval), 1000, 250, 3_600_000);
      const count = values.count !== undefined ? parseInteger('count', str(values.count), 1, 1, 1_000_000) : undefined;
      const [{ liveCommand }, { liveSamples }] = await Promise.all([
        import('./commands/live.js'),
        import('./source/live-source.js'),
      ]);
      const backendOnly = str(values.backend);
      const live = target;
      await untilInterrupted(io, (signal) => {
        const samples = liveSamples(live, { intervalMs, ...(backendOnly ? { backend: backendOnly } : {}) }, signal);
        return liveCommand(samples, { json, ...(count !== undefined ? { count } : {}) }, print, signal);
      });
      return EXIT.OK;
    }
    const backend = str(values.backend);
    const only = backend !== undefined ? { backend } : {};
    const zone = str(values.timezone) ?? localTimeZone();
    const rangeFlags = { from: str(values.from), to: str(values.to) };
    /** --from/--to, or the last --hours; never both --from and --hours. */
    const window = (fallback: number) => {
      if (rangeFlags.from !== undefined && values.hours !== undefined) {
        throw new CliError('Give either --hours (a window ending now or at --to) or --from, not both.');
      }
      const hours = parseHours(str(values.hours), fallback);
      return { hours, ...parseRange(rangeFlags, zone, now, hours) };
    };
    let action: (reader: UsageReader) => Promise<void>;
    if (command === 'usage') {
      const range = parseRange(rangeFlags, zone, now);
      if (range && (values.period !== undefined || values.at !== undefined)) {
        throw new CliError('Give either --period/--at (a calendar period) or --from/--to (a range), not both.');
      }
      const flags = {
        ...only,
        ...(range ?? {
          period: parsePeriod(str(values.period)) ?? 'day',
          at: parseInstant('at', str(values.at)) ?? new Date(now),
        }),
        timezone: zone,
        json,
      } as const;
      const type = parseBackendType(str(values.type));
      action = async (reader) => {
        const { usageCommand } = await import('./commands/usage.js');
        print(await usageCommand(reader, { ...flags, ...(type ? { type } : {}) }));
      };
    } else if (command === 'details') {
      const type = parseBackendType(str(values.type));
      const resource = parseResourceType(str(values.resource));
      const flags = {
        ...only,
        ...(type ? { type } : {}),
        ...(resource ? { resource } : {}),
        ...window(24),
        ...(values.timezone !== undefined ? { timezone: assertTimeZone(zone) } : {}),
        limit: parseInteger('limit', str(values.limit), 100, 1, 1000),
        json,
        now,
      };
      action = async (reader) => {
        const { detailsCommand } = await import('./commands/details.js');
        print(await detailsCommand(reader, flags));
      };
    } else if (command === 'status') {
      const watch = bool(values.watch) ?? false;
      if (!watch && (values.interval !== undefined || values.count !== undefined)) {
        throw new CliError('--interval and --count go with --watch.');
      }
      if (watch && json) throw new CliError('--watch redraws the table; it does not combine with --json.');
      const intervalMs = parseInteger('interval', str(values.interval), 1000, 250, 3_600_000);
      const count = values.count !== undefined ? parseInteger('count', str(values.count), 1, 1, 1_000_000) : undefined;
      action = async (reader) => {
        if (!watch) {
          const { statusCommand } = await import('./commands/status.js');
          print(await statusCommand(reader, { ...only, json }));
          return;
        }
        const { watchStatus } = await import('./commands/status-watch.js');
        await untilInterrupted(io, (signal) =>
          watchStatus(
            reader,
            only,
            { intervalMs, ...(count !== undefined ? { count } : {}), now: io.now },
            io.stdout,
            colors,
            signal,
          ),
        );
      };
    } else if (command === 'cost') {
      const range = parseRange(rangeFlags, zone, now);
      if (range && (values.period !== undefined || values.at !== undefined)) {
        throw new CliError('Give either --period/--at (a calendar period) or --from/--to (a range), not both.');
      }
      const timezone = assertTimeZone(zone);
      const at = str(values.at);
      const flags = {
        ...only,
        ...(range ?? {
          period: parsePeriod(str(values.period)) ?? 'month',
          at: at !== undefined ? parseTime('at', at, timezone, now) : new Date(now),
        }),
        timezone,
        json,
      };
      action = async (reader) => {
        const { costCommand } = await import('./commands/cost.js');
        print(await costCommand(reader, flags));
      };
    } else if (command === 'plan') {
      const { planAction } = await import('./plan-args.js');
      const plan = planAction(
        positionals,
        {
          file: str(values.file),
          template: str(values.template),
          timezone: str(values.timezone),
          'effective-from': str(values['effective-from']),
          json,
        },
        now,
      );
      action = async (reader) => print(await plan(reader));
    } else {
      const output = str(values.output);
      const progress = values.progress ? true : values['no-progress'] ? false : undefined;
      const flags = {
        ...only,
        ...(output !== undefined ? { output } : {}),
        ...(progress !== undefined ? { progress } : {}),
        ...window(168),
        format: parseFormat(str(values.format)) ?? 'json',
        now,
      };
      action = async (reader) => {
        const { exportCommand } = await import('./commands/export.js');
        const done = await exportCommand(reader, flags, io);
        // With the export on stdout, stdout carries nothing else.
        if (output !== undefined && output !== '-') writeLine(io.stderr, done);
      };
    }
    const opened = await openReader(target, io.now);
    try {
      await action(opened.reader);
      return EXIT.OK;
    } finally {
      await opened.close();
    }
  } catch (error) {
    const { message, code } = explain(error, target, command);
    writeLine(io.stderr, `bytemeter ${command}: ${message}`);
    return code;
  }
}

/**
 * Runs a view that refreshes until stopped. Ctrl-C ends it quietly (exit 0): it is how a live view is meant
 * to stop; so does a reader that goes away (`bytemeter live | head -3`).
 */
async function untilInterrupted(io: RunIo, view: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const onStop = () => stop.abort();
  process.once('SIGINT', onStop);
  io.stdout.once('close', onStop);
  io.stdout.once('error', onStop);
  try {
    await view(stop.signal);
  } finally {
    process.off('SIGINT', onStop);
    io.stdout.off('close', onStop);
    io.stdout.off('error', onStop);
  }
}

/**
 * `bytemeter copy`: the local SQLite file (--db, $BYTEMETER_DB, the default file; never a server) into the
 * PostgreSQL database of --to. Ctrl-C stops it after the chunk being written; a new run resumes.
 */
async function copy(args: readonly string[], io: RunIo, print: (text: Output) => void): Promise<ExitCode> {
  const { values } = parseCommandArgs('copy', args, {
    to: { type: 'string' },
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
  });
  if (values.endpoint !== undefined || values.token !== undefined) {
    throw new CliError(
      'bytemeter copy reads a local SQLite file (--db PATH): run it where the file is, not with --endpoint.',
    );
  }
  const to = str(values.to);
  if (!to) throw new CliError('--to postgres://USER@HOST:5432/DB is required: the PostgreSQL database to copy into.');
  const from = str(values.db) || defaultDatabasePath(io.env);
  const progress = values.progress ? true : values['no-progress'] ? false : undefined;
  const { copyCommand } = await import('./commands/copy.js');
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    print(
      await copyCommand(
        { from, to, json: values.json ?? false, signal: stop.signal, ...(progress !== undefined ? { progress } : {}) },
        io,
      ),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
  return EXIT.OK;
}

/** Exit codes of a copy's refusals (see CopyError in @bytemeter/tracker): all but the last two changed nothing. */
const COPY_EXIT: Record<string, ExitCode> = {
  COPY_SOURCE_MISSING: EXIT.USAGE,
  COPY_SOURCE_NOT_BYTEMETER: EXIT.USAGE,
  COPY_TARGET_NOT_EMPTY: EXIT.USAGE,
  COPY_IN_PROGRESS: EXIT.USAGE,
  COPY_SOURCE_CHANGED: EXIT.USAGE,
  COPY_TARGET_UNREACHABLE: EXIT.UNREACHABLE,
  COPY_STOPPED: EXIT.FAILURE,
  COPY_MISMATCH: EXIT.FAILURE,
};

/** The message and exit code for an error, with what to do about it. */
export function explain(
  error: unknown,
  target: Target | undefined,
  command?: string,
): { message: string; code: ExitCode } {
  const e = error as { name?: string; message?: string; code?: string; graphqlCode?: string; exitCode?: ExitCode };
  const message = e?.message ?? String(error);
  if (error instanceof CliError) return { message, code: error.exitCode };
  if (e?.name === 'CopyError' && e.code !== undefined) return { message, code: COPY_EXIT[e.code] ?? EXIT.FAILURE };
  if (e?.name === 'NetworkError') {
    return {
      message: `${message} Without --endpoint and BYTEMETER_ENDPOINT the local database is used.`,
      code: EXIT.UNREACHABLE,
    };
  }
  if (e?.graphqlCode === 'UNAUTHENTICATED') {
    return {
      message: `${target?.token ? 'The server refused the token' : 'The server needs a token'} (${message.replace(/^UNAUTHENTICATED: /, '')}). Pass --token T or set BYTEMETER_TOKEN; create one where the API runs with \`bytemeter token create --scopes read,ingest\`.`,
      code: EXIT.AUTH,
    };
  }
  if (e?.graphqlCode === 'FORBIDDEN') {
    const refused = message.replace(/^FORBIDDEN: /, '');
    // A mutation is checked for ingest before its own scope: plan and budget writes need admin whatever the
    // server names first (reading budgets needs only read).
    if (command === 'plan' || command === 'budget') {
      return {
        message: `${refused} \`bytemeter ${command} set\`${command === 'budget' ? ', `budget rotate-secret`' : ''} and \`${command} delete\` need the admin scope: use a token with it (\`bytemeter token create --scopes read,admin\`).`,
        code: EXIT.AUTH,
      };
    }
    return {
      message: `${refused} Use a token with that scope (\`bytemeter token create --scopes read,ingest\`).`,
      code: EXIT.AUTH,
    };
  }
  if (e?.graphqlCode === 'BAD_USER_INPUT')
    return { message: message.replace(/^BAD_USER_INPUT: /, ''), code: EXIT.USAGE };
  if (e?.name === 'ClientValidationError' || e?.name === 'EventsDroppedError') return { message, code: EXIT.USAGE };
  // The tracker's typed errors (ValidationError, BackendTypeConflictError, StorageLevelError) are bad input:
  // nothing of it was stored.
  if (
    typeof e?.code === 'string' &&
    /^(INVALID_|RANGE_TOO_LARGE|BATCH_TOO_LARGE|BACKEND_TYPE_CONFLICT|STORAGE_BELOW_ZERO)/.test(e.code)
  ) {
    return { message, code: EXIT.USAGE };
  }
  // TOTAL_TOO_LARGE on a write is TotalLimitError, the event refused (bad input, nothing stored). On a read
  // it is a sum past 2^53 - 1 (every backend's costs together, or a total PostgreSQL returned): the command
  // line is fine and the numbers cannot be given exactly, a failure (the message says to ask per backend).
  if (e?.code === 'TOTAL_TOO_LARGE') return { message, code: command === 'track' ? EXIT.USAGE : EXIT.FAILURE };
  return { message, code: EXIT.FAILURE };
}
