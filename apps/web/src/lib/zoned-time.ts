// Wall-clock times in a time zone ↔ instants, for the date fields (a datetime-local value has no zone:
// it is read in the viewer's chosen zone, never silently as UTC).

import { wallClockAt } from '@bytemeter/core';

const LOCAL = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/;

/** The zone's offset from UTC at `instant`, in ms (Kolkata: +19,800,000). */
function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

/**
 * A wall-clock "YYYY-MM-DDTHH:mm" in `timeZone` as an ISO instant (a value with its own offset or Z is
 * taken as is); undefined when it is not a time. In a DST gap the later offset wins.
 * @example zonedLocalToIso('2026-12-03T10:00', 'Asia/Kolkata') // '2026-12-03T04:30:00.000Z'
 */
export function zonedLocalToIso(value: string | undefined, timeZone: string): string | undefined {
  if (!value) return undefined;
  if (/[zZ]|[+-]\d\d:\d\d$/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const m = LOCAL.exec(value);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (Number.isNaN(wall)) return undefined;
  // Two passes: the offset at the first guess can differ from the offset at the answer around DST.
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone)).toISOString();
}

/**
 * An instant as the wall-clock "YYYY-MM-DDTHH:mm" of `timeZone` (what a datetime-local field shows).
 * @example isoToZonedLocal('2026-12-03T04:30:00.000Z', 'Asia/Kolkata') // '2026-12-03T10:00'
 */
export function isoToZonedLocal(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  return new Date(t + offsetAt(t, timeZone)).toISOString().slice(0, 16);
}
