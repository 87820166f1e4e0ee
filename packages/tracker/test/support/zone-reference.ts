// Calendar math for the tests, written on Intl alone so that it checks the tracker's Temporal-based
// zone code instead of repeating it. Valid for zones whose offsets and transitions fall on quarter
// hours and whose local date never runs backwards (every zone the tests use).

const QUARTER = 900_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The local wall clock at an instant, whole seconds. */
export function wallClock(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetMs(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian, pure arithmetic). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY);
}

/** The local date of an instant as a day number. */
export function localDay(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return dayNumber(w.year, w.month, w.day);
}

const dayStarts = new Map<string, number>();

/** The first instant whose local date is `day` or later (binary search over quarter hours, memoized). */
export function firstInstantOfDay(day: number, zone: string): number {
  const key = `${zone}|${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = searchDayStart(day, zone);
    dayStarts.set(key, start);
  }
  return start;
}

function searchDayStart(day: number, zone: string): number {
  // The start of a local day lies within 2 days of its UTC midnight for every real offset.
  let lo = Math.floor((day * DAY - 2 * DAY) / QUARTER);
  let hi = Math.floor((day * DAY + 2 * DAY) / QUARTER);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid * QUARTER, zone) >= day) hi = mid;
    else lo = mid + 1;
  }
  return lo * QUARTER;
}

/** Monday of the ISO week holding a day number (1970-01-01 was a Thursday). */
export function mondayOf(day: number): number {
  const dow = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  return day - dow;
}

/** First day of the month holding a day number. */
export function firstOfMonth(day: number): number {
  const d = new Date(day * DAY);
  return dayNumber(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export type RefGranularity = 'minute' | 'hour' | 'day' | 'week' | 'month';

/** Start of the bucket holding `ms`: minute and hour by the local clock, days, ISO weeks and months by local date. */
export function bucketStart(ms: number, granularity: RefGranularity, zone: string): number {
  switch (granularity) {
    case 'minute':
      return Math.floor(ms / 60_000) * 60_000;
    case 'hour': {
      // Floor the local clock to the hour and keep the offset in force at `ms` (tells apart the two
      // 01:00s of a fall-back night); right while transitions fall on local hour marks.
      const local = ms + offsetMs(ms, zone);
      return Math.floor(local / HOUR) * HOUR - offsetMs(ms, zone);
    }
    case 'day':
      return firstInstantOfDay(localDay(ms, zone), zone);
    case 'week':
      return firstInstantOfDay(mondayOf(localDay(ms, zone)), zone);
    case 'month':
      return firstInstantOfDay(firstOfMonth(localDay(ms, zone)), zone);
  }
}

/** [start, end) of the calendar period holding `ms`. */
export function periodBounds(ms: number, period: Exclude<RefGranularity, 'minute'>, zone: string) {
  const start = bucketStart(ms, period, zone);
  let end: number;
  if (period === 'hour') {
    // The next hour mark on the local clock: probe forward until the bucket changes.
    end = start + QUARTER;
    while (bucketStart(end, 'hour', zone) === start) end += QUARTER;
  } else {
    const day = localDay(start, zone);
    // `day` is the period's first local day; 31 days on from a month's first day is always next month.
    const nextDay = period === 'day' ? day + 1 : period === 'week' ? day + 7 : firstOfMonth(day + 31);
    end = firstInstantOfDay(nextDay, zone);
  }
  return { start, end };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 with the zone's offset and milliseconds; `Z` for the UTC zone itself. */
export function isoInZone(ms: number, zone: string): string {
  if (zone === 'UTC') return new Date(ms).toISOString();
  const w = wallClock(ms, zone);
  const off = offsetMs(ms, zone) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const millis = ((ms % 1000) + 1000) % 1000;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(millis, 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
