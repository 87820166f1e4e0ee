import {
  type BackendType,
  type CheckedEvent,
  checkEvent,
  centsToMicros as coreCentsToMicros,
  type ResourceType,
  type TrackOptions,
  ValidationError,
} from '@bytemeter/core';
import type { UsageEventInput } from '../create-client.js';
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

/**
 * Checks one event and turns it into the API's UsageEventInput, with an id and a time stamp fixed now,
 * and estimates its size in a request body (escapes counted twice for path and metadata).
 * Throws ClientValidationError; nothing is buffered then.
 */
export function toEventInput(
  backend: unknown,
  backendType: unknown,
  resourceType: ResourceType,
  amount: unknown,
  opts: TrackOptions | undefined,
  now: number,
  newId: (now: number) => string,
): { input: UsageEventInput; size: number } {
  const e = checkClientEvent(backend, backendType, resourceType, amount, opts, now);
  const id = e.key ?? newId(now);
  // What the event adds to a request body, near enough to keep batches under the server's body limit.
  const size =
    240 +
    e.backend.length +
    id.length +
    (e.operationId?.length ?? 0) +
    (e.path?.length ?? 0) * 2 +
    (e.metadata?.length ?? 0) * 2;
  const input: UsageEventInput = {
    id,
    timestamp: new Date(e.ts).toISOString(),
    backend: e.backend,
    backendType: e.backendType.toUpperCase() as Uppercase<BackendType>,
    resourceType: e.resourceType.toUpperCase() as Uppercase<ResourceType>,
    amount: e.amount,
    ...(e.operationId !== null ? { operationId: e.operationId } : {}),
    ...(e.path !== null ? { path: e.path } : {}),
    success: e.success,
    ...(e.durationMs !== null ? { durationMs: e.durationMs } : {}),
    // The serialized copy, so a caller changing its object after the call changes nothing that is sent.
    ...(e.metadata !== null ? { metadata: JSON.parse(e.metadata) as Record<string, unknown> } : {}),
    ...(e.apiClass !== null ? { apiClass: e.apiClass.toUpperCase() as Uppercase<typeof e.apiClass> } : {}),
  };
  return { input, size };
}
