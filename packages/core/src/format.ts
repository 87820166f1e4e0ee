// The human forms of bytemeter's exact integers, one definition for the tracker, the CLI and the web.
import type { ResourceType } from './vocabulary.js';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Bytes in binary units up to PiB, two decimals above bytes.
 * @example formatBytes(1536) // '1.50 KiB'
 * @example formatBytes(-2048) // '-2.00 KiB'
 */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(2)} ${BYTE_UNITS[unit]}`;
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A count with thousands separators.
 * @example formatCount(1234567) // '1,234,567'
 */
export function formatCount(count: number): string {
  // Safe integers (every stored count and amount) by string arithmetic, the same text as Intl's: a drill-down
  // page formats one amount per event, and Intl.NumberFormat#format was most of a page's formatting cost.
  // -0 ("-0" in Intl) and anything else go through Intl.
  if (!Number.isSafeInteger(count) || Object.is(count, -0)) return countFormat.format(count);
  const digits = String(count < 0 ? -count : count);
  const head = digits.length % 3 || 3;
  let text = count < 0 ? `-${digits.slice(0, head)}` : digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) text += `,${digits.slice(i, i + 3)}`;
  return text;
}

/**
 * A count of calls, singular for one.
 * @example formatCalls(1) // '1 call'
 * @example formatCalls(2500) // '2,500 calls'
 */
export function formatCalls(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'call' : 'calls'}`;
}

/**
 * Micros of a dollar as dollars and cents. Amounts under a cent keep their precision so they never show as $0.00.
 * @example formatDollars(1_234_560_000) // '$1,234.56'
 * @example formatDollars(2_500) // '$0.0025'
 */
export function formatDollars(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const dollars = abs / 1_000_000;
  if (abs !== 0 && abs < 10_000) {
    return `${sign}$${dollars.toFixed(6).replace(/0+$/, '')}`;
  }
  // Integer arithmetic for the cents so 1.005 dollars never rounds through a float.
  const cents = Math.round(abs / 10_000);
  const whole = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  return `${sign}$${formatCount(whole)}.${rest}`;
}

/**
 * Megabits per second, two decimals.
 * @example formatMbps(1.234) // '1.23 Mbps'
 */
export function formatMbps(mbps: number): string {
  return `${mbps.toFixed(2)} Mbps`;
}

/**
 * The human form of an amount in its resource's unit. Takes the GraphQL spelling too (`API_CALLS`), so the
 * web can pass what the API sent.
 * @example formatAmount('api_calls', 1) // '1 call'
 * @example formatAmount('OPERATION_COST', 2_500) // '$0.0025'
 */
export function formatAmount(resourceType: ResourceType | Uppercase<ResourceType>, amount: number): string {
  switch (resourceType) {
    case 'api_calls':
    case 'API_CALLS':
      return formatCalls(amount);
    case 'operation_cost':
    case 'OPERATION_COST':
      return formatDollars(amount);
    default:
      return formatBytes(amount);
  }
}

/**
 * The rate of `bytes` moved over `ms` milliseconds in megabits per second (decimal, as network rates are
 * quoted); 0 for an empty window rather than Infinity or NaN. One formula for the API's live samples, the
 * CLI's live view and the tracker's status.
 * @example mbpsOf(125_000, 1000) // 1
 */
export function mbpsOf(bytes: number, ms: number): number {
  return ms > 0 ? (bytes * 8) / (ms * 1000) : 0;
}
