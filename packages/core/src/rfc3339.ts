// Strict RFC 3339 `date-time` (section 5.6) with a mandatory offset, because `new Date(text)` is lenient in
// ways that store the wrong instant without a word: 2026-11-31 rolls over to 1 December, 2025-02-30 to
// 2 March, and 24:00:00 to the next day. Every field is range-checked here, so what is accepted is what was
// written. Leap seconds (:60) are refused too: JavaScript time has none to land them on.
import { canonicalRfc3339Millis, daysInMonth } from './rfc3339-canonical.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Options for parseRfc3339. */
export interface Rfc3339Options {
  /**
   * Accept `hh:mm` without seconds (a convenience for people typing a time, e.g. the CLI's `--at`);
   * RFC 3339 itself requires the seconds. Default false.
   */
  secondsOptional?: boolean;
}

/**
 * The instant an RFC 3339 date-time with an offset names, or null when the text is not one: wrong shape,
 * no offset, or a field out of range (month 13, 31 November, 29 February of a common year, hour 24,
 * minute or second 60, offset beyond ±23:59). Fractions beyond milliseconds are truncated.
 * @example parseRfc3339('2026-11-27T10:00:00+05:30')?.toISOString() // '2026-11-27T04:30:00.000Z'
 * @example parseRfc3339('2026-11-31T00:00:00Z') // null
 */
export function parseRfc3339(text: string, options: Rfc3339Options = {}): Date | null {
  const millis = canonicalRfc3339Millis(text);
  return Number.isNaN(millis) ? parseRfc3339Strict(text, options) : new Date(millis);
}

/**
 * parseRfc3339 without its fast path: the regex reading every shape RFC 3339 allows, the reference the fast
 * path is tested against.
 * @example parseRfc3339Strict('2026-11-27t10:00:00z')?.toISOString() // '2026-11-27T10:00:00.000Z'
 */
export function parseRfc3339Strict(text: string, options: Rfc3339Options = {}): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m;
  if (s === undefined && !options.secondsOptional) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (!zulu) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Digits, not float arithmetic: 0.07 * 1000 is 70.00000000000001.
  const ms = fraction ? Number(`${fraction.slice(1)}00`.slice(0, 3)) : 0;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}
