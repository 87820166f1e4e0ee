// The days of a cost report's period in the viewer's zone, and the GraphQL documents that price them.
// `costs` answers one range at a time; a month's daily bars would be up to 31 requests. Instead each day is
// an aliased `costs` field of one document (up to DAYS_PER_REQUEST of them), so a month takes two round
// trips, and each bar is exactly what `costs(range: day)` returns for that day.

import { isoToZonedLocal, zonedLocalToIso } from './zoned-time';

export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** Days priced per request: the API refuses more than 20 aliases in one query by default (maxAliases). */
export const DAYS_PER_REQUEST = 16;

/**
 * The calendar days of [from, to) in `timeZone` that have begun by `now` (later days cost nothing yet: the
 * API prices usage up to now), each from its midnight to the next (23 or 25 hours across DST).
 * @example daysOf({ from: '2026-12-01T00:00:00+05:30', to: '2027-01-01T00:00:00+05:30' }, 'Asia/Kolkata', Date.parse('2026-12-02T12:00:00Z')).length // 2
 */
export function daysOf(range: DayRange, timeZone: string, now: number): DayRange[] {
  const end = Math.min(Date.parse(range.to), now);
  const days: DayRange[] = [];
  let date = isoToZonedLocal(range.from, timeZone).slice(0, 10);
  let start = Date.parse(range.from);
  while (start < end) {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    const nextStart = Date.parse(zonedLocalToIso(`${next} 00:00`, timeZone)!);
    days.push({
      from: new Date(start).toISOString(),
      to: new Date(Math.min(nextStart, Date.parse(range.to))).toISOString(),
    });
    date = next;
    start = nextStart;
  }
  return days;
}

/** What the daily bars need of each day's report. */
export interface DayCost {
  computedTotalMicros: number;
  reportedTotalMicros: number;
  backends: { backend: string; computedCostMicros: number }[];
}

/**
 * The document pricing `count` days in one request: `d0: costs(range: $d0, timezone: $tz) { … }` and so on.
 * @example dailyCostsQuery(2) // 'query DailyCosts($tz: String!, $d0: TimeRange!, $d1: TimeRange!) { d0: costs(…) … }'
 */
export function dailyCostsQuery(count: number): string {
  const keys = Array.from({ length: count }, (_, i) => `d${i}`);
  const fields = keys.map(
    (k) =>
      `${k}: costs(range: $${k}, timezone: $tz) { computedTotalMicros reportedTotalMicros backends { backend computedCostMicros } }`,
  );
  return `query DailyCosts($tz: String!${keys.map((k) => `, $${k}: TimeRange!`).join('')}) { ${fields.join(' ')} }`;
}

/** The variables of dailyCostsQuery(days.length). */
export function dailyCostsVariables(days: readonly DayRange[], timeZone: string): Record<string, string | DayRange> {
  return Object.fromEntries([['tz', timeZone], ...days.map((d, i) => [`d${i}`, { from: d.from, to: d.to }])]);
}
