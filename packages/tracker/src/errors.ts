import { BytemeterError } from '@bytemeter/core';

// The error classes and their closed code union are @bytemeter/core's, shared with the client and the API.
export {
  BackendTypeConflictError,
  BytemeterError,
  type BytemeterErrorCode,
  isStorageFull,
  StorageFullError,
  StorageLevelError,
  TotalLimitError,
  TrackerClosedError,
  ValidationError,
} from '@bytemeter/core';

/**
 * The running Node.js is older than the tracker supports (22). better-sqlite3 13 loads but crashes on
 * Node 20, so the tracker refuses before it opens a database rather than failing somewhere inside it.
 * It lives here, not in core, because only the native package has a runtime floor.
 */
export class UnsupportedNodeError extends BytemeterError {
  constructor(
    readonly running: string,
    readonly minimumMajor: number,
  ) {
    super(
      'UNSUPPORTED_NODE',
      `bytemeter needs Node.js ${minimumMajor} or newer (24 LTS recommended); this is Node.js ${running}.`,
    );
  }
}

/**
 * PostgreSQL returned an integer (a bigint column, or a sum) past 2^53 - 1, which a JavaScript number
 * cannot hold exactly. Refused rather than rounded; ingest keeps every stored total below it, so this
 * means the database was written by something else.
 */
export class UnsafeIntegerError extends BytemeterError {
  constructor(readonly text: string) {
    super(
      'TOTAL_TOO_LARGE',
      `The database returned ${text}, past the largest exact integer (2^53 - 1); refused rather than rounded.`,
    );
  }
}
