import { ValidationError } from '../errors.js';

/** Opaque page cursor: the (timestamp, row id) of the last event of a page, newest-first order. */
export function encodeCursor(ts: number, id: number): string {
  return Buffer.from(`${ts}:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { ts: number; id: number } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(text);
  const ts = Number(match?.[1]);
  const id = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(ts) || !Number.isSafeInteger(id)) {
    throw new ValidationError('INVALID_CURSOR', 'The cursor is not one this API returned; start again without it.');
  }
  return { ts, id };
}
