import { assertTimeZone } from '@bytemeter/core';
import { Temporal } from 'temporal-polyfill';
import type { Granularity, Period } from '../types.js';

/**
 * Checks a zone (an IANA name or a fixed offset such as "+05:30") and returns its canonical form: core's
 * check, the one the pricing engine, the API and the CLI use, so every place accepts the same zones.
 */
export { assertTimeZone };

function zoned(ms: number, zone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
}

/**
 * Start of the calendar period (or minute) holding `ms`, in `zone`. Days start at the first instant of the
 * local date (not always midnight on DST days); weeks on Monday.
 */
export function startOf(ms: number, granularity: Granularity, zone: string): number {
  if (granularity === 'minute') return Math.floor(ms / 60_000) * 60_000;
  if (zone === 'UTC') return startOfUtc(ms, granularity);
  const z = zoned(ms, zone);
  switch (granularity) {
    case 'hour':
      return z.round({ smallestUnit: 'hour', roundingMode: 'floor' }).epochMilliseconds;
    case 'day':
      return z.startOfDay().epochMilliseconds;
    case 'week':
      return z.subtract({ days: z.dayOfWeek - 1 }).startOfDay().epochMilliseconds;
    case 'month':
      return z.with({ day: 1 }).startOfDay().epochMilliseconds;
  }
}

/** Start of the period after the one starting at `start`. */
export function nextStart(start: number, granularity: Granularity, zone: string): number {
  if (granularity === 'minute') return start + 60_000;
  if (zone === 'UTC') return nextStartUtc(start, granularity);
  if (granularity === 'hour') {
    // Exact hours, re-floored so zones with 30-minute DST shifts stay on local hour marks.
    return startOf(start + 3_600_000, 'hour', zone);
  }
  const z = zoned(start, zone);
  const unit = granularity === 'day' ? { days: 1 } : granularity === 'week' ? { weeks: 1 } : { months: 1 };
  return z.add(unit).startOfDay().epochMilliseconds;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// UTC has no offsets and no DST, so its periods are plain arithmetic: a series or summary in UTC (the
// default) then needs no Temporal objects, which cost about 10 µs per bucket edge.
function startOfUtc(ms: number, granularity: Exclude<Granularity, 'minute'>): number {
  switch (granularity) {
    case 'hour':
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'week': {
      const day = Math.floor(ms / DAY_MS) * DAY_MS;
      // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
    }
    case 'month': {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
  }
}

/** Mirrors the Temporal path exactly: the same local time one unit later (end of month clamped), start of that day. */
function nextStartUtc(start: number, granularity: Exclude<Granularity, 'minute'>): number {
  switch (granularity) {
    case 'hour':
      return startOfUtc(start + HOUR_MS, 'hour');
    case 'day':
      return startOfUtc(start + DAY_MS, 'day');
    case 'week':
      return startOfUtc(start + 7 * DAY_MS, 'day');
    case 'month': {
      const d = new Date(start);
      const year = d.getUTCFullYear();
      const month = d.getUTCMonth() + 1;
      const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay));
    }
  }
}

/** Distinct (period, zone) pairs whose last range is remembered; the map starts over when full. */
const MAX_LAST_PERIODS = 256;
const lastPeriods = new Map<string, { from: number; to: number }>();

/**
 * The [start, end) of the calendar period holding `ms`. The last range per period and zone is remembered:
 * dashboards ask for the current period over and over, and outside UTC each edge costs Temporal work (a
 * profile put a month in Asia/Kolkata at a quarter of a cached usageSummary request). Exact, since the
 * periods of a zone tile time: a remembered range that holds `ms` is the one startOf would find.
 */
export function periodRange(ms: number, period: Period, zone: string): { from: number; to: number } {
  const key = `${period}|${zone}`;
  const last = lastPeriods.get(key);
  if (last !== undefined && ms >= last.from && ms < last.to) return { from: last.from, to: last.to };
  const from = startOf(ms, period, zone);
  const range = { from, to: nextStart(from, period, zone) };
  if (lastPeriods.size >= MAX_LAST_PERIODS) lastPeriods.clear();
  lastPeriods.set(key, range);
  return { from: range.from, to: range.to };
}

/**
 * ISO 8601 with the zone's offset at that instant, milliseconds included; `Z` for UTC.
 * @example toIsoInZone(0, 'Asia/Kathmandu') // '1970-01-01T05:30:00.000+05:30'
 */
export function toIsoInZone(ms: number, zone: string): string {
  if (zone === 'UTC') return new Date(ms).toISOString();
  return zoned(ms, zone).toString({ timeZoneName: 'never', smallestUnit: 'millisecond' });
}

/** The date part ("2026-10-25T") of the last day toIso formatted: pages and exports run in time order. */
let isoDay = Number.NaN;
let isoDayPrefix = '';
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * ISO 8601 in UTC, the form events and status times take; the same string as Date#toISOString. Drill-down
 * pages and exports format one per event: the date part is built once per day and the time by arithmetic,
 * which a profile put at a fifth of the cost of a 1,000-event page with a Date per event.
 */
export function toIso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    const iso = new Date(ms).toISOString();
    // Years before 0 or after 9999 have a longer form: no prefix for those.
    if (iso.length !== 24) return iso;
    isoDay = day;
    isoDayPrefix = iso.slice(0, 11);
    return iso;
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${isoDayPrefix}${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(milli)}Z`;
}
