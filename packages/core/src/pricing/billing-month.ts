// Billing months in a time zone (an IANA name or a fixed offset, checked by ../time-zone.ts), on Intl
// alone (core has no runtime dependencies and runs in browsers). A month starts at the first instant whose local date is its 1st: local midnight, or the end
// of the DST gap in zones that spring forward at midnight (America/Santiago, America/Havana, …).

import { ValidationError } from '../errors.js';
import { describe } from '../event-rules.js';
import { assertTimeZone } from '../time-zone.js';
import { DAY_MS } from '../vocabulary.js';
import { wallClockAt } from '../zone-wall.js';

/** The billing month holding an instant: [start, end) in ms since the epoch, and its length in ms. */
export interface BillingMonth {
  /** Local year and month (1–12) in the zone. */
  year: number;
  month: number;
  start: number;
  end: number;
  /** end − start: 31 days less an hour for March in New York, more by an hour in November. */
  lengthMs: number;
}

/** Earliest and latest instant priced: 1970 through the year 9999 (years Intl prints without an era). */
export const MIN_PRICED_INSTANT = 0;
export const MAX_PRICED_INSTANT = Date.UTC(9999, 11, 1);

/** Local date at an instant, as days since 1970-01-01. */
function localDay(t: number, zone: string): number {
  return Math.floor(wallClockAt(t, zone) / DAY_MS);
}

/** The first instant whose local date is `day` (days since the epoch) or later. */
function startOfLocalDay(day: number, zone: string): number {
  const wall = day * DAY_MS;
  // Fast path: local midnight with the offset in force a day before or after (the two sides of any DST
  // change that night), accepted only when it is provably the day's first instant.
  for (const probe of [wall - DAY_MS, wall + DAY_MS]) {
    const offset = wallClockAt(probe, zone) - Math.floor(probe / 1000) * 1000;
    const t = wall - offset;
    if (localDay(t, zone) >= day && localDay(t - 1, zone) < day) return t;
  }
  // Midnight falls in a gap (or offsets changed twice): search, since the local date never runs backwards.
  let lo = wall - 2 * DAY_MS;
  let hi = wall + 2 * DAY_MS;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid, zone) >= day) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** INVALID_TIMESTAMP unless `t` is whole ms from 1970 through 9999. */
export function assertInstant(t: unknown, field: string): asserts t is number {
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < MIN_PRICED_INSTANT || t > MAX_PRICED_INSTANT) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `An instant to price must be whole ms since the epoch between 1970 and 9999; got ${describe(t)}.`,
      field,
    );
  }
}

/** Months already computed, per zone (a cost report asks for the same few months many times). */
const knownMonths = new Map<string, BillingMonth[]>();

/**
 * The calendar month holding `t` in `zone` (checked with assertTimeZone).
 * @example billingMonth(Date.UTC(2026, 2, 15), 'America/New_York').lengthMs // 2_674_800_000 (31 days − 1 h)
 */
export function billingMonth(t: number, zone: string): BillingMonth {
  assertInstant(t, 'at');
  zone = assertTimeZone(zone);
  let months = knownMonths.get(zone);
  const known = months?.find((m) => m.start <= t && t < m.end);
  if (known) return { ...known };
  const local = new Date(wallClockAt(t, zone));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const start = startOfLocalDay(Date.UTC(year, month - 1, 1) / DAY_MS, zone);
  const end = startOfLocalDay(Date.UTC(year, month, 1) / DAY_MS, zone);
  const result = { year, month, start, end, lengthMs: end - start };
  // Bounded: a few dozen months per zone and a few hundred zones cover any report; past that, start over.
  if (!months || months.length >= 64) {
    if (knownMonths.size >= 256) knownMonths.clear();
    months = [];
    knownMonths.set(zone, months);
  }
  months.push(result);
  return { ...result };
}

/** A piece of a range inside one billing month. */
export interface MonthPiece {
  from: number;
  to: number;
  month: BillingMonth;
}

/**
 * Splits [from, to) at the billing months of `zone`; empty when from ≥ to.
 * @example splitByMonth(Date.UTC(2026, 0, 20), Date.UTC(2026, 1, 10), 'UTC').length // 2
 */
export function splitByMonth(from: number, to: number, zone: string): MonthPiece[] {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  const pieces: MonthPiece[] = [];
  let t = from;
  while (t < to) {
    const month = billingMonth(t, zone);
    const end = Math.min(to, month.end);
    pieces.push({ from: t, to: end, month });
    t = end;
  }
  return pieces;
}
