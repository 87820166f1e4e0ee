import { ValidationError } from '../errors.js';
import { MIN_TIMESTAMP } from '../record/validate.js';

/** Longest range any read accepts: 20 years. */
export const MAX_RANGE_MS = 20 * 366 * 86_400_000;
const MAX_HOURS_BACK = 20 * 366 * 24;

export interface RangeQuery {
  hoursBack?: number;
  from?: Date;
  to?: Date;
}

function toMs(value: unknown, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ValidationError('INVALID_RANGE', `${what} must be a valid Date.`);
  return ms;
}

/**
 * The half-open [from, to) a read covers: an explicit range (to defaults to now), else the last
 * `hoursBack` hours. Refuses reversed, empty and absurd ranges.
 * @example resolveRange({ hoursBack: 24 }, Date.now(), 24)
 */
export function resolveRange(q: RangeQuery, now: number, defaultHoursBack: number): { from: number; to: number } {
  if (q.from !== undefined || q.to !== undefined) {
    if (q.from === undefined)
      throw new ValidationError('INVALID_RANGE', 'A range needs `from` (and optionally `to`, default now, inclusive).');
    return checkRange(toMs(q.from, 'from'), q.to === undefined ? now + 1 : toMs(q.to, 'to'));
  }
  const hours = q.hoursBack ?? defaultHoursBack;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > MAX_HOURS_BACK) {
    throw new ValidationError(
      'INVALID_RANGE',
      `hoursBack must be a positive number of hours up to ${MAX_HOURS_BACK}; got ${String(hours)}.`,
    );
  }
  // The window ends just after now, so an event stamped in the current millisecond is in it.
  return { from: now + 1 - Math.round(hours * 3_600_000), to: now + 1 };
}

export function checkRange(from: number, to: number): { from: number; to: number } {
  if (!(from < to))
    throw new ValidationError(
      'INVALID_RANGE',
      'A range must have `from` before `to` (ranges are half-open [from, to)).',
    );
  if (to - from > MAX_RANGE_MS) throw new ValidationError('RANGE_TOO_LARGE', 'A range may span at most 20 years.');
  if (from < MIN_TIMESTAMP - MAX_RANGE_MS)
    throw new ValidationError('INVALID_RANGE', 'A range must not start before 1980.');
  return { from, to };
}
