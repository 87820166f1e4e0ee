// The event rules are @bytemeter/core's (the remote tracker applies the same ones); this adds only the
// tracker's in-memory form of a checked event.
import { checkEvent } from '@bytemeter/core';
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
export function toPendingEvent(...args: Parameters<typeof checkEvent>): PendingEvent {
  const event = checkEvent(...args) as PendingEvent;
  event.resource = RESOURCE_CODE[event.resourceType];
  event.isLevelReport = args[6] ?? false;
  return event;
}
