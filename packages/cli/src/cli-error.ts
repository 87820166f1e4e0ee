/** Exit codes of the bytemeter command (also listed in `bytemeter --help`). */
export const EXIT = {
  OK: 0,
  /** Something failed at run time (database, server error). */
  FAILURE: 1,
  /** Bad usage: unknown command or flag, bad value. Nothing was changed. */
  USAGE: 2,
  /** The server (--endpoint) could not be reached. */
  UNREACHABLE: 3,
  /** The server refused the token: missing, unknown, revoked, or lacking a scope. */
  AUTH: 4,
  /** A write broke with the connection to PostgreSQL: whether the event was stored is unknown (check first). */
  UNKNOWN: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the person at the terminal: its message says what to do, its code is the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
