// Wall-clock times in a time zone ↔ instants, for the date fields and every date the dashboard shows. One
// 24-hour format everywhere, "YYYY-MM-DD HH:mm": a wall time has no zone, so it is read in the viewer's
// chosen zone, never silently as UTC (nor in the browser's locale, which gives en-US a 12-hour clock).

import { wallClockAt } from '@bytemeter/core';

/** The one format a date is entered and shown in (24-hour); the "T" of older links is read too. */
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';

/** What a date field accepts (the browser checks it before the form is sent; the server again). */
export const DATE_TIME_PATTERN = String.raw`\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d`;

const LOCAL = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?$/;

/** The zone's offset from UTC at `instant`, in ms (Kolkata: +19,800,000). */
function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/**
 * The wall clock as epoch ms read as UTC, or undefined unless every part is in range (no 24:00, no 30 Feb:
 * Date.UTC would silently roll those over into another day).
 */
function parseWall(value: string): number | undefined {
  const m = LOCAL.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return wall;
}

/**
 * A wall-clock "YYYY-MM-DD HH:mm" (or "YYYY-MM-DDTHH:mm") in `timeZone` as an ISO instant (a value with its
 * own offset or Z is taken as is); undefined when it is not a real time. In a DST gap the later offset wins.
 * @example zonedLocalToIso('2026-12-03 10:00', 'Asia/Kolkata') // '2026-12-03T04:30:00.000Z'
 */
export function zonedLocalToIso(value: string | undefined, timeZone: string): string | undefined {
  if (!value) return undefined;
  if (/[zZ]|[+-]\d\d:\d\d$/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const wall = parseWall(value);
  if (wall === undefined) return undefined;
  // Two passes: the offset at the first guess can differ from the offset at the answer around DST.
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone)).toISOString();
}

/**
 * An instant as the wall clock "YYYY-MM-DD HH:mm" of `timeZone` (what a date field shows), with seconds
 * when asked ("YYYY-MM-DD HH:mm:ss").
 * @example isoToZonedLocal('2026-12-03T04:30:00.000Z', 'Asia/Kolkata') // '2026-12-03 10:00'
 */
export function isoToZonedLocal(iso: string, timeZone: string, withSeconds = false): string {
  const t = Date.parse(iso);
  const wall = new Date(t + offsetAt(t, timeZone)).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, withSeconds ? 19 : 16)}`;
}
