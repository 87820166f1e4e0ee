// Wall clocks in IANA time zones on Intl alone (core has no runtime dependencies and runs in browsers):
// the one reader behind billing months and the dashboard's zoned date fields.

/** ±HH, ±HHMM or ±HH:MM, hours 00–23 and minutes 00–59 (Temporal refuses seconds in a zone's offset). */
const OFFSET = /^([+-])([01]\d|2[0-3])(?::?([0-5]\d))?$/;

/**
 * The offset of a fixed-offset zone in ms (east of UTC positive), or undefined for any other string.
 * @example fixedOffsetMs('+05:30') // 19_800_000
 * @example fixedOffsetMs('Europe/Berlin') // undefined
 */
export function fixedOffsetMs(zone: string): number | undefined {
  if (zone[0] !== '+' && zone[0] !== '-') return undefined;
  const m = OFFSET.exec(zone);
  if (!m) return undefined;
  const ms = (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
  return m[1] === '-' ? -ms : ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The cached Intl formatter of a zone, 24-hour, to the second; throws a RangeError for a zone Intl does
 * not know. Building one costs far more than using it, and a page or a cost report reads many instants.
 */
export function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Bounded: names come from users, and every spelling of a link ("asia/kolkata") is a key of its own.
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The local wall clock of `zone` at instant `t`, read as if it were UTC (whole seconds: Intl prints no
 * more). `wallClockAt(t, zone) - Math.floor(t / 1000) * 1000` is the zone's offset at `t`.
 * @example wallClockAt(Date.UTC(2026, 11, 3, 4, 30), 'Asia/Kolkata') // Date.UTC(2026, 11, 3, 10, 0)
 */
export function wallClockAt(t: number, zone: string): number {
  // A fixed offset is arithmetic (and works where Intl predates offset zones).
  const offset = fixedOffsetMs(zone);
  if (offset !== undefined) return Math.floor(t / 1000) * 1000 + offset;
  const p: Record<string, number> = {};
  for (const part of zoneFormatter(zone).formatToParts(t)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}
