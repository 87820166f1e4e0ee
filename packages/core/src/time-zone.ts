// The one check of a time zone, shared by the tracker's calendar periods, the pricing engine's billing
// months, the API and the CLI, so a zone accepted in one place is accepted everywhere (issue 11).
//
// Accepted: an IANA name Intl knows, in any case ("Europe/Berlin", "europe/berlin", links such as
// "Asia/Kolkata" or "US/Eastern" kept as written, "UTC"), or a fixed UTC offset "+05:30" / "-0800" / "+05"
// up to ±23:59 (Temporal and ECMA-402 accept these too). Offsets are parsed here, not by Intl, so they work
// in runtimes whose Intl predates offset zones; they come back in Temporal's form "±HH:MM".

import { ValidationError } from './errors.js';
import { describe } from './event-rules.js';
import { fixedOffsetMs, zoneFormatter } from './zone-wall.js';

let zoneSpellings: Map<string, string> | undefined;

/** The listed spelling of a zone name typed in another case ("europe/berlin" → "Europe/Berlin"). */
function listedSpelling(zone: string): string | undefined {
  zoneSpellings ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => [z.toLowerCase(), z]));
  return zoneSpellings.get(zone.toLowerCase());
}

const checked = new Map<string, string>();

/**
 * Checks a time zone (an IANA name or a fixed offset, see above) and returns its canonical spelling:
 * offsets as "±HH:MM" ("+0530" → "+05:30", "-00:00" → "+00:00"), names in the case Intl lists them when it
 * lists them ("utc" → "UTC"), otherwise as written. INVALID_TIMEZONE (field `field`) for anything else.
 * @example assertTimeZone('europe/berlin') // 'Europe/Berlin'
 * @example assertTimeZone('+0530') // '+05:30'
 */
export function assertTimeZone(zone: unknown, field = 'timezone'): string {
  if (typeof zone === 'string') {
    const known = checked.get(zone);
    if (known !== undefined) return known;
  }
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64 || zone.trim() !== zone) {
    throw new ValidationError(
      'INVALID_TIMEZONE',
      `Time zone must be an IANA name such as "Europe/Berlin" or an offset such as "+05:30"; got ${describe(zone)}.`,
      field,
    );
  }
  let canonical: string;
  const offset = fixedOffsetMs(zone);
  if (offset !== undefined) {
    const abs = Math.abs(offset) / 60_000;
    const pad = (n: number) => String(n).padStart(2, '0');
    canonical = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  } else {
    // Intl takes "−05:00" (U+2212 minus) and may take "+05:30:00" or "Z" on some engines: anything that
    // looks like an offset but is not one of the forms above is refused everywhere.
    if (/^[+\-\u2212]|^z$/i.test(zone)) throw unknownZone(zone, field);
    try {
      zoneFormatter(zone);
    } catch {
      throw unknownZone(zone, field);
    }
    canonical = listedSpelling(zone) ?? zone;
  }
  // Bounded, like the formatter cache: names come from users.
  if (checked.size >= 1000) checked.clear();
  checked.set(zone, canonical);
  return canonical;
}

function unknownZone(zone: string, field: string): ValidationError {
  return new ValidationError(
    'INVALID_TIMEZONE',
    `Unknown time zone ${describe(zone)}; use an IANA name such as "Europe/Berlin" or an offset such as "+05:30".`,
    field,
  );
}
