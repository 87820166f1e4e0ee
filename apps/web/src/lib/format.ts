// The numbers are formatted by @bytemeter/core, the same functions the tracker and the CLI use; only the
// dashboard's date display lives here.
export { formatAmount, formatBytes, formatCalls, formatCount, formatDollars, formatMbps } from '@bytemeter/core';

/**
 * An instant in a time zone, e.g. "Nov 27, 14:05". @example formatInstant('2026-11-27T13:05:00Z', 'Europe/Berlin')
 */
export function formatInstant(iso: string, timeZone = 'UTC', withSeconds = false): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).format(new Date(iso));
}
