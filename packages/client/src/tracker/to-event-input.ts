import { type CheckedEvent, checkEvent, centsToMicros as coreCentsToMicros, ValidationError } from '@bytemeter/core';
import { ClientValidationError } from '../errors.js';

// The rules are @bytemeter/core's, the ones the local tracker and (behind the API) the server apply, so a
// bad call throws at once on the caller's stack instead of poisoning a batch later.

/** Core's ValidationError as the client's subclass (same code, message and field). */
function asClientError(error: unknown): unknown {
  if (error instanceof ValidationError && !(error instanceof ClientValidationError)) {
    return new ClientValidationError(error.field ?? 'event', error.message, error.code);
  }
  return error;
}

/**
 * Converts cents (down to a micro-dollar) to micros, exactly as the tracker's trackCost does.
 * @example centsToMicros(5) // 50_000
 */
export function centsToMicros(cents: unknown): number {
  try {
    return coreCentsToMicros(cents);
  } catch (error) {
    throw asClientError(error);
  }
}

/** Checks one event by core's rules; throws ClientValidationError. */
export function checkClientEvent(...args: Parameters<typeof checkEvent>): CheckedEvent {
  try {
    return checkEvent(...args);
  } catch (error) {
    throw asClientError(error);
  }
}
