/** Every code a bytemeter error can carry; callers (the API, the CLI) switch on it. */
export type BytemeterErrorCode =
  | 'INVALID_BACKEND_NAME'
  | 'INVALID_BACKEND_TYPE'
  | 'INVALID_RESOURCE_TYPE'
  | 'INVALID_AMOUNT'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_OPTION'
  | 'INVALID_RANGE'
  | 'INVALID_TIMEZONE'
  | 'INVALID_PERIOD'
  | 'INVALID_CURSOR'
  | 'INVALID_FORMAT'
  | 'INVALID_PRICE'
  | 'INVALID_PRICE_PLAN'
  | 'INVALID_BUDGET'
  | 'RANGE_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'INVALID_SCOPE'
  | 'BACKEND_TYPE_CONFLICT'
  | 'STORAGE_BELOW_ZERO'
  | 'TOTAL_TOO_LARGE'
  | 'TRACKER_CLOSED'
  | 'NO_DEFAULT_RECORDER'
  | 'UNSUPPORTED_NODE'
  | 'STORAGE_FULL';

/** Base of every error bytemeter throws on purpose. `code` is stable; `message` says what to do. */
export class BytemeterError extends Error {
  readonly code: BytemeterErrorCode;
  constructor(code: BytemeterErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: nothing was recorded or read. `field` names what to fix when one field is at fault. */
export class ValidationError extends BytemeterError {
  readonly field: string | undefined;
  constructor(code: BytemeterErrorCode, message: string, field?: string) {
    super(code, message);
    this.field = field;
  }
}

/** A backend name was used with a type other than the one it was first seen with. */
export class BackendTypeConflictError extends BytemeterError {
  constructor(
    readonly backend: string,
    readonly existingType: string,
    readonly requestedType: string,
  ) {
    super(
      'BACKEND_TYPE_CONFLICT',
      `Backend "${backend}" is of type "${existingType}", not "${requestedType}": a backend's type is fixed when it is first seen; use another name.`,
    );
  }
}

/** A storage delta would take a backend's level below zero. */
export class StorageLevelError extends BytemeterError {
  constructor(
    readonly backend: string,
    readonly level: number,
    readonly delta: number,
  ) {
    super(
      'STORAGE_BELOW_ZERO',
      `Storage delta ${delta} would take backend "${backend}" from ${level} to ${level + delta} bytes; report the real level with setStorageLevel first.`,
    );
  }
}

/**
 * An event would take a running total (the all-time total of one resource over every backend, or the
 * stored bytes of every backend together) past 2^53 - 1, beyond which sums are no longer exact numbers and
 * reads would fail: it is refused and nothing of it is stored.
 */
export class TotalLimitError extends BytemeterError {
  constructor(
    readonly backend: string,
    readonly resourceType: string,
    readonly total: number,
    readonly amount: number,
  ) {
    super(
      'TOTAL_TOO_LARGE',
      `Adding ${amount} (backend "${backend}") to the ${resourceType} total of all backends (${total}) would pass 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), the largest total bytemeter keeps exact; the event was refused.`,
    );
  }
}

/** The tracker was closed; open a new one. */
export class TrackerClosedError extends BytemeterError {
  constructor() {
    super('TRACKER_CLOSED', 'This tracker is closed; open a new one with openResourceTracker().');
  }
}

/**
 * The database file could not grow (SQLITE_FULL: the disk, a quota, or a page limit is reached). Nothing
 * of the failed write is stored; what was acknowledged stays pending and is retried, so the caller may
 * retry too once space is freed. `cause` is the driver's error.
 */
export class StorageFullError extends BytemeterError {
  constructor(override readonly cause: unknown) {
    super('STORAGE_FULL', 'The database is out of space (disk full); free space and retry: pending events are kept.');
  }
}

/** SQLite's "database or disk is full" (better-sqlite3 puts the primary result code in `code`). */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL';
}
