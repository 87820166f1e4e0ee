import { type ParseArgsConfig, parseArgs } from 'node:util';
import { defaultDatabasePath } from '@bytemeter/tracker';
import { CliError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  endpoint: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Where a command reads and writes: a local SQLite file, or a server through @bytemeter/client. */
export interface Target {
  db: string | undefined;
  endpoint: string | undefined;
  token: string | undefined;
}

const NEGATIVE_NUMBER = /^-\d[\d_.]*[a-zA-Z]*$/;

/**
 * parseArgs with the global flags, errors that name the command's help, and negative numbers accepted
 * as positionals (`bytemeter track storage b s3 -1024`).
 * @example parseCommandArgs('usage', ['--period', 'week'], { period: { type: 'string' } })
 */
export function parseCommandArgs<const O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  positionals = false,
) {
  const negatives = new Map<string, string>();
  const prepared = args.map((arg, i) => {
    if (!NEGATIVE_NUMBER.test(arg)) return arg;
    const key = `\u0000neg${i}`;
    negatives.set(key, arg);
    return key;
  });
  try {
    const parsed = parseArgs({
      args: prepared,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: positionals,
      strict: true,
    });
    // A negative number can also be a flag's value (`--hours -5`): put it back there too, so the value's
    // own check sees, and quotes, what was typed.
    const values = Object.fromEntries(
      Object.entries(parsed.values).map(([k, v]) => [k, typeof v === 'string' ? (negatives.get(v) ?? v) : v]),
    ) as typeof parsed.values;
    return { values, positionals: parsed.positionals.map((p) => negatives.get(p) ?? p) };
  } catch (error) {
    const e = error as { code?: string; message: string };
    if (!e.code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const message = [...negatives].reduce((m, [key, value]) => m.replaceAll(key, value), e.message);
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) {
      throw new CliError(`unknown flag ${unknown}. Run \`bytemeter ${command} --help\` for its flags.`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new CliError(
        `unexpected argument in ${JSON.stringify(args.join(' '))}. Run \`bytemeter ${command} --help\`.`,
      );
    }
    throw new CliError(`${message.replace(/\.$/, '')}. Run \`bytemeter ${command} --help\`.`);
  }
}

/**
 * The local database: --db, else $BYTEMETER_DATABASE_URL, else $BYTEMETER_DB, else ~/.bytemeter/tracker.db,
 * read from `env` (run()'s, which need not be the process's: the tracker's own defaults read the process's).
 */
export function localDatabase(db: string | undefined, env: NodeJS.ProcessEnv): string {
  return db || env.BYTEMETER_DATABASE_URL || defaultDatabasePath(env);
}

/**
 * The target from the flags, else from BYTEMETER_ENDPOINT / BYTEMETER_TOKEN; without an endpoint, `db` is
 * the local database (localDatabase).
 */
export function resolveTarget(
  values: {
    db?: string | boolean | undefined;
    endpoint?: string | boolean | undefined;
    token?: string | boolean | undefined;
  },
  env: NodeJS.ProcessEnv,
): Target {
  const str = (v: string | boolean | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
  const db = str(values.db);
  const endpoint = str(values.endpoint) ?? (db ? undefined : str(env.BYTEMETER_ENDPOINT));
  if (db && str(values.endpoint)) {
    throw new CliError('Give either --db (a local database) or --endpoint (a server), not both.');
  }
  if (endpoint !== undefined) checkEndpoint(endpoint, str(values.endpoint) ? '--endpoint' : 'BYTEMETER_ENDPOINT');
  return {
    db: endpoint === undefined ? localDatabase(db, env) : undefined,
    endpoint,
    token: str(values.token) ?? str(env.BYTEMETER_TOKEN),
  };
}

/** An endpoint must be an http(s) URL: anything else is a typo, refused (exit 2) before any connection. */
function checkEndpoint(endpoint: string, source: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new CliError(
      `${source} must be an http:// or https:// URL, e.g. http://127.0.0.1:4000; got ${JSON.stringify(endpoint)}.`,
    );
  }
}
