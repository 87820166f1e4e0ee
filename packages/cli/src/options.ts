import {
  BACKEND_TYPES,
  type BackendType,
  EXPORT_FORMATS,
  type ExportFormat,
  PERIODS,
  type Period,
  RESOURCE_TYPES,
  type ResourceType,
} from '@bytemeter/core';
import { parseRfc3339 } from '@bytemeter/tracker';
import { CliError } from './cli-error.js';

// Flag values are checked here, before anything is opened, so a typo changes nothing and says what fits.
// The allowed words are @bytemeter/core's lists, the same ones the tracker and the API accept.

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(lower)) {
    throw new CliError(`--${flag} must be one of ${allowed.join(', ')}; got "${value}".`);
  }
  return lower as T;
}

export const parsePeriod = (v: string | undefined): Period | undefined => oneOf('period', v, PERIODS);
export const parseBackendType = (v: string | undefined, flag = 'type'): BackendType | undefined =>
  oneOf(flag, v, BACKEND_TYPES);
export const parseResourceType = (v: string | undefined): ResourceType | undefined =>
  oneOf('resource', v?.replaceAll('-', '_'), RESOURCE_TYPES);
export const parseFormat = (v: string | undefined): ExportFormat | undefined => oneOf('format', v, EXPORT_FORMATS);

/** A positive whole or fractional number of hours (at most 20 years). */
export function parseHours(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 20 * 366 * 24) {
    throw new CliError(`--hours must be a positive number of hours (e.g. 24 or 0.5); got "${value}".`);
  }
  return hours;
}

/** A whole number from min to max. */
export function parseInteger(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`--${flag} must be a whole number from ${min} to ${max}; got "${value}".`);
  }
  return n;
}

/**
 * An instant with an offset (RFC 3339, seconds optional), e.g. 2026-11-27T10:00:00Z, parsed strictly: a day
 * or time that does not exist (2026-11-31, 24:00) is refused, never rolled over.
 */
export function parseInstant(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseRfc3339(value, { secondsOptional: true });
  if (date === null) {
    throw new CliError(
      `--${flag} must be an existing time with an offset, e.g. 2026-11-27T10:00:00Z; got ${JSON.stringify(value)}.`,
    );
  }
  return date;
}

/** The machine's time zone, the default for calendar periods. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
