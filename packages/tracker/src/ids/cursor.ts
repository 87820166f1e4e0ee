import { ValidationError } from '../errors.js';

/** What a cursor holds: the key of the page's edge row, and the clock reading its range was resolved at. */
export interface Cursor {
  ts: number;
  id: number;
  /** For a range that ends at the clock: the `now` the first page read it at (see resolveUsageQuery). */
  now?: number;
}

/**
 * Opaque page cursor: the (timestamp, row id) of an edge event of a page, newest-first order; for a range
 * that ends at the clock (`hoursBack`, `from` without `to`) also the clock reading the first page resolved
 * it at, so every later page reads the very same range instead of one that slid meanwhile.
 */
export function encodeCursor(ts: number, id: number, now?: number): string {
  return Buffer.from(now === undefined ? `${ts}:${id}` : `${ts}:${id}:${now}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(-?\d{1,16}):(\d{1,16})(?::(\d{1,16}))?$/.exec(text);
  const ts = Number(match?.[1]);
  const id = Number(match?.[2]);
  const now = match?.[3] === undefined ? undefined : Number(match[3]);
  if (
    !match ||
    !Number.isSafeInteger(ts) ||
    !Number.isSafeInteger(id) ||
    (now !== undefined && !Number.isSafeInteger(now))
  ) {
    throw new ValidationError('INVALID_CURSOR', 'The cursor is not one this API returned; start again without it.');
  }
  return now === undefined ? { ts, id } : { ts, id, now };
}
