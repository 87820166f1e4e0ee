// The event rules are @bytemeter/core's (the remote tracker applies the same ones); this adds only the
// tracker's in-memory form of a checked event.
import { checkEvent, type TrackOptions } from '@bytemeter/core';
import { RESOURCE_CODE } from '../types.js';
import type { PendingEvent } from './pending-event.js';

export {
  assertAmount,
  assertBackendName,
  assertBackendType,
  assertResourceType,
  centsToMicros,
  MAX_FUTURE_MS,
  MIN_TIMESTAMP,
  toTimestamp,
} from '@bytemeter/core';

/**
 * Checks one event by core's rules (same arguments as checkEvent; the last, `absolute`, marks a level
 * report) and returns it ready for the batch. Throws ValidationError; nothing is recorded then.
 */
export function toPendingEvent(
  backend: unknown,
  backendType: unknown,
  resourceType: unknown,
  amount: unknown,
  opts: TrackOptions | undefined,
  now: number,
  absolute = false,
): PendingEvent {
  // Named parameters, not a rest array spread into checkEvent: this runs once per event of every batch.
  const event = checkEvent(backend, backendType, resourceType, amount, opts, now, absolute) as PendingEvent;
  event.resource = RESOURCE_CODE[event.resourceType];
  event.isLevelReport = absolute;
  return event;
}
