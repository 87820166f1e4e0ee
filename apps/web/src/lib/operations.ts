import type { UsageEvent } from './types';

/** One instrumented call put back together from its events (they share an operationId). */
export interface OperationRow {
  /** The operationId, or the event id of an event recorded without one (a group of its own). */
  key: string;
  /** The newest event's time: the outcome is recorded last. */
  timestamp: string;
  /** `operation` (fs, scopes), else `command` (S3), else `method` (fetch) of the metadata; else the resource. */
  name: string;
  up: number;
  down: number;
  /** Signed change of stored bytes. */
  stored: number;
  calls: number;
  success: boolean;
  /** A failure's reason from the metadata (`error`, else the HTTP `status`). */
  reason: string | null;
  /** The longest duration among the parts (they all time the same call). */
  durationMs: number | null;
  path: string | null;
  /** The events, oldest first. */
  parts: UsageEvent[];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function metadataOf(e: UsageEvent): Record<string, unknown> {
  return e.metadata !== null && typeof e.metadata === 'object' ? (e.metadata as Record<string, unknown>) : {};
}

/** The operation an event belongs to, by name (see OperationRow.name); '' when its metadata has none. */
export function operationNameOf(e: UsageEvent): string {
  const m = metadataOf(e);
  return text(m.operation) ?? text(m.command) ?? text(m.method) ?? '';
}

function nameOf(parts: UsageEvent[]): string {
  for (const e of parts) {
    const name = operationNameOf(e);
    if (name) return name;
  }
  return parts[0]!.resourceType.toLowerCase();
}

function reasonOf(parts: UsageEvent[]): string | null {
  for (const e of parts) {
    if (e.success) continue;
    const m = metadataOf(e);
    const reason = text(m.error) ?? (typeof m.status === 'number' ? `HTTP ${m.status}` : null);
    if (reason) return reason;
  }
  return null;
}

/**
 * Groups events (newest first, as the API pages them) into operations, newest first: every event with
 * one operationId is one row, summed per resource; an event without an id stays a row of its own. An
 * operation fails when any of its events failed, so a failed GET's partial download is not an "ok" row.
 * @example groupOperations(page.nodes)[0] // { name: 'GetObject', down: 1024, success: false, reason: 'AbortError', … }
 */
export function groupOperations(events: readonly UsageEvent[]): OperationRow[] {
  const groups = new Map<string, UsageEvent[]>();
  for (const e of events) {
    const key = e.operationId ?? `event:${e.id}`;
    const parts = groups.get(key);
    if (parts) parts.push(e);
    else groups.set(key, [e]);
  }
  return [...groups].map(([key, newestFirst]) => {
    const parts = [...newestFirst].reverse();
    const row: OperationRow = {
      key,
      timestamp: newestFirst[0]!.timestamp,
      name: nameOf(parts),
      up: 0,
      down: 0,
      stored: 0,
      calls: 0,
      success: parts.every((e) => e.success),
      reason: null,
      durationMs: null,
      path: parts.find((e) => e.path !== null)?.path ?? null,
      parts,
    };
    for (const e of parts) {
      if (e.resourceType === 'BANDWIDTH_UPLOAD') row.up += e.amount;
      else if (e.resourceType === 'BANDWIDTH_DOWNLOAD') row.down += e.amount;
      else if (e.resourceType === 'STORAGE_USED') row.stored += e.amount;
      else if (e.resourceType === 'API_CALLS') row.calls += e.amount;
      if (e.durationMs !== null) row.durationMs = Math.max(row.durationMs ?? 0, e.durationMs);
    }
    if (!row.success) row.reason = reasonOf(parts);
    return row;
  });
}
