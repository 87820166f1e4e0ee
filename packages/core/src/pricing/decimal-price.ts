import { ValidationError } from '../errors.js';
import { describe } from '../event-rules.js';

/** Nano-dollars in a dollar: prices have at most 9 fraction digits, so every price is a whole number of these. */
export const NANOS_PER_DOLLAR = 1_000_000_000n;
/** Nano-dollars in a micro-dollar, the unit costs are rounded to. */
export const NANOS_PER_MICRO = 1_000n;
/** Most digits a price may have after the point. */
export const MAX_PRICE_FRACTION_DIGITS = 9;

// Digits only: no sign, exponent, spaces or thousands separators; at most 12 digits before the point (a
// unit price of a trillion dollars is a typo, not a price).
const PRICE = /^(\d{1,12})(?:\.(\d+))?$/;

/**
 * A decimal dollar price ("0.023", "4.5", "0.0000004") as exact nano-dollars. Refuses, with a typed
 * INVALID_PRICE error, anything that is not a plain non-negative decimal or has more than 9 fraction
 * digits: the text is never parsed as a binary float.
 * @example parsePrice('0.023') // 23000000n
 * @example parsePrice('-1') // throws ValidationError (INVALID_PRICE)
 */
export function parsePrice(text: unknown, field = 'pricePerUnit'): bigint {
  if (typeof text !== 'string') {
    throw new ValidationError(
      'INVALID_PRICE',
      `A price must be a decimal string of dollars such as "0.023"; got ${describe(text)}.`,
      field,
    );
  }
  if (text.trim().startsWith('-')) {
    throw new ValidationError('INVALID_PRICE', `A price cannot be negative; got ${describe(text)}.`, field);
  }
  const m = PRICE.exec(text);
  if (!m) {
    throw new ValidationError(
      'INVALID_PRICE',
      `A price must be plain decimal digits of dollars with an optional fraction, such as "0.023" (no sign, exponent or spaces); got ${describe(text)}.`,
      field,
    );
  }
  const [, whole, fraction = ''] = m;
  if (fraction.length > MAX_PRICE_FRACTION_DIGITS) {
    throw new ValidationError(
      'INVALID_PRICE',
      `A price may have at most ${MAX_PRICE_FRACTION_DIGITS} digits after the point (nano-dollars); ${describe(text)} has ${fraction.length}.`,
      field,
    );
  }
  return BigInt(whole!) * NANOS_PER_DOLLAR + BigInt(fraction.padEnd(MAX_PRICE_FRACTION_DIGITS, '0'));
}

/**
 * Nano-dollars as the shortest decimal dollar string: what plans store and the API returns.
 * @example formatPrice(23000000n) // '0.023'
 * @example formatPrice(0n) // '0'
 */
export function formatPrice(nanos: bigint): string {
  if (nanos < 0n) throw new RangeError('A price cannot be negative.');
  const whole = nanos / NANOS_PER_DOLLAR;
  const fraction = (nanos % NANOS_PER_DOLLAR).toString().padStart(MAX_PRICE_FRACTION_DIGITS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
