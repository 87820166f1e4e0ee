// Human forms of the API's exact integers, matching the tracker's: binary units, counts, dollars.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes in binary units, e.g. 1536 → "1.50 KiB"; signed amounts keep their sign.
 * @example formatBytes(5 * 1024 ** 2) // "5.00 MiB"
 */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(2)} ${UNITS[unit]}`;
}

/**
 * A count with thousands separators. @example formatCount(12345) // "12,345"
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Micros of a dollar as dollars and cents. @example formatMicros(1_234_567) // "$1.23"
 */
export function formatMicros(micros: number): string {
  const dollars = micros / 1_000_000;
  const digits = micros !== 0 && Math.abs(dollars) < 0.01 ? 4 : 2;
  return dollars.toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: digits });
}

/** Megabits per second, two decimals. @example formatMbps(1.234) // "1.23 Mbps" */
export function formatMbps(mbps: number): string {
  return `${mbps.toFixed(2)} Mbps`;
}

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

/** The amount of one resource type in its unit. @example formatAmount('API_CALLS', 3) // "3 calls" */
export function formatAmount(resourceType: string, amount: number): string {
  if (resourceType === 'API_CALLS') return `${formatCount(amount)} calls`;
  if (resourceType === 'OPERATION_COST') return formatMicros(amount);
  return formatBytes(amount);
}
