/** Why a copy did not start, or stopped. Each says what to do; "nothing changed" holds for every code but the last two. */
export type CopyErrorCode =
  /** The SQLite file does not exist. */
  | 'COPY_SOURCE_MISSING'
  /** The file is not a bytemeter database (not SQLite, or without bytemeter's tables). */
  | 'COPY_SOURCE_NOT_BYTEMETER'
  /** The PostgreSQL server did not answer, refused the login, or has no such database. */
  | 'COPY_TARGET_UNREACHABLE'
  /** The target already holds data that did not come from this SQLite file (or tables bytemeter did not make). */
  | 'COPY_TARGET_NOT_EMPTY'
  /** Another copy into the same database is running. */
  | 'COPY_IN_PROGRESS'
  /** The SQLite file changed since the copy into this database began: resuming would mix two states. */
  | 'COPY_SOURCE_CHANGED'
  /** Stopped on request (signal) between chunks: what was copied stays, and a new run resumes. */
  | 'COPY_STOPPED'
  /** After copying, a table's row count or sums differ between the two stores. */
  | 'COPY_MISMATCH';

/**
 * A copy from a SQLite file into PostgreSQL refused or stopped. Its own class (not a BytemeterError,
 * whose codes are the recording and reading API's closed list): callers switch on `code`.
 */
export class CopyError extends Error {
  constructor(
    readonly code: CopyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CopyError';
  }
}
