// The numbers are formatted by @bytemeter/core, the same functions the tracker and the CLI use; only the
// dashboard's date display lives here.
import { isoToZonedLocal } from './zoned-time';

export { formatAmount, formatBytes, formatCalls, formatCount, formatDollars, formatMbps } from '@bytemeter/core';

/**
 * An instant in a time zone in the dashboard's one 24-hour format, the one its date fields take.
 * @example formatInstant('2026-11-27T13:05:00Z', 'Europe/Berlin') // '2026-11-27 14:05'
 */
export function formatInstant(iso: string, timeZone = 'UTC', withSeconds = false): string {
  return isoToZonedLocal(iso, timeZone, withSeconds);
}
