import { assertTimeZone, parseRfc3339 } from '@bytemeter/tracker';
import { Temporal } from 'temporal-polyfill';
import { CliError } from './cli-error.js';

// --from and --to as people type them: an exact instant (RFC 3339 with an offset, parsed strictly by the
// tracker), a calendar date or wall time in --timezone, or a time relative to now. Temporal (the same
// polyfill the tracker uses) turns wall times into instants, so DST gaps and folds resolve the way the
// TC39 proposal specifies, not by hand-written offset arithmetic.

const RELATIVE = /^-(\d+(?:\.\d+)?)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const WALL = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/;

const FORMS =
  'e.g. 2026-11-27T10:00:00Z, 2026-11-27 or 2026-11-27T10:00 (in --timezone), today, yesterday, now, -7d (also m, h, w)';

/**
 * One time flag's instant; `zone` is where a date or wall time without an offset is read.
 * @example parseTime('from', 'yesterday', 'Asia/Kolkata', Date.parse('2026-11-27T10:00:00Z'))
 */
export function parseTime(flag: string, value: string, zone: string, now: number): Date {
  const bad = () => new CliError(`--${flag} must be an existing time, ${FORMS}; got ${JSON.stringify(value)}.`);
  const word = value.toLowerCase();
  if (word === 'now') return new Date(now);
  if (word === 'today' || word === 'yesterday') {
    const today = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(zone).startOfDay();
    return new Date((word === 'today' ? today : today.subtract({ days: 1 }).startOfDay()).epochMilliseconds);
  }
  const relative = RELATIVE.exec(value);
  if (relative) {
    return new Date(now - Math.round(Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]));
  }
  const wall = WALL.exec(value);
  if (wall) {
    const [, date, time = '00:00'] = wall;
    // The strict parser checks the day and time exist (no 31 November, no 24:00) before the zone applies.
    if (parseRfc3339(`${date}T${time}Z`, { secondsOptional: true }) === null) throw bad();
    const plain = Temporal.PlainDateTime.from(`${date}T${time}`);
    return new Date(plain.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds);
  }
  const exact = parseRfc3339(value, { secondsOptional: true });
  if (exact === null) throw bad();
  return exact;
}

export interface RangeFlags {
  from?: string | undefined;
  to?: string | undefined;
  timezone?: string | undefined;
}

/**
 * The [from, to) window of --from/--to, or undefined when neither is given. `to` defaults to now; `from`
 * to `to` minus `fallbackHours` when given (details, export), else --from is required (usage).
 */
export function parseRange(
  flags: RangeFlags,
  zone: string,
  now: number,
  fallbackHours?: number,
): { from: Date; to: Date } | undefined {
  if (flags.from === undefined && flags.to === undefined) return undefined;
  assertTimeZone(zone);
  const to = flags.to !== undefined ? parseTime('to', flags.to, zone, now) : new Date(now);
  let from: Date;
  if (flags.from !== undefined) from = parseTime('from', flags.from, zone, now);
  else if (fallbackHours !== undefined) from = new Date(to.getTime() - Math.round(fallbackHours * 3_600_000));
  else throw new CliError('--to needs --from: give the start of the range too, e.g. --from -7d.');
  if (from.getTime() >= to.getTime()) {
    throw new CliError(`--from must be before --to; got ${from.toISOString()} → ${to.toISOString()}.`);
  }
  return { from, to };
}
