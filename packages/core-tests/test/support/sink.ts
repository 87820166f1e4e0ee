import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { createRemoteTracker, type RemoteTracker } from '@bytemeter/client';
import type { UsageRecorder } from '@bytemeter/core';
import { openResourceTracker, type ResourceTracker, type ResourceType, type UsageEvent } from '@bytemeter/tracker';

/** Where the instrumentation under test records. */
export type Mode = 'local' | 'remote';
export const MODES: readonly Mode[] = ['local', 'remote'];

/**
 * What an instrumentation test records into and reads back from. `local`: one real tracker on a temp SQLite
 * file is both. `remote`: a RemoteTracker sends to a real API process, and a tracker opened on the API's
 * database file reads what the API stored (nothing in the test process writes it).
 */
export interface Sink {
  mode: Mode;
  recorder: UsageRecorder;
  /** Errors the remote tracker reported (events the server refused); always empty in local mode. */
  refused: unknown[];
  /** The reader, once everything recorded so far has been delivered and stored. */
  settled(): Promise<ResourceTracker>;
  dispose(): Promise<void>;
}

export async function openSink(mode: Mode): Promise<Sink> {
  if (mode === 'local') {
    const dir = mkdtempSync(join(tmpdir(), 'bytemeter-core-local-'));
    const tracker = openResourceTracker({ path: join(dir, 'usage.db'), flushOnExit: false });
    return {
      mode,
      recorder: tracker,
      refused: [],
      settled: async () => tracker,
      async dispose() {
        await tracker.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const api: ApiProcess = await startApiProcess();
  const refused: unknown[] = [];
  const remote: RemoteTracker = createRemoteTracker({
    url: api.url,
    flushIntervalMs: 10,
    onError: (error) => refused.push(error),
  });
  const reader = openResourceTracker({ path: api.dbPath, flushOnExit: false });
  return {
    mode,
    recorder: remote,
    refused,
    async settled() {
      const result = await remote.flush();
      if (result.pending > 0) throw result.error ?? new Error(`${result.pending} events not delivered`);
      return reader;
    },
    async dispose() {
      await remote.close();
      await reader.close();
      await api.stop();
    },
  };
}

/**
 * Every stored event of one backend, oldest first, read back through the tracker's read API (a range from
 * an hour ago to a minute ahead, so clock steps between recording and reading never matter).
 */
export async function eventsOf(sink: Sink, backend: string): Promise<UsageEvent[]> {
  const reader = await sink.settled();
  const out: UsageEvent[] = [];
  const from = new Date(Date.now() - 3_600_000);
  const to = new Date(Date.now() + 60_000);
  let cursor: string | undefined;
  for (;;) {
    const page = await reader.getResourceUsage({ backend, from, to, limit: 1000, cursor });
    out.push(...page.events);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out.reverse();
}

/** Sum of amounts and number of events per resource type, failed events counted apart. */
export function tally(
  events: readonly UsageEvent[],
): Partial<Record<ResourceType, { amount: number; count: number; failed: number }>> {
  const out: Partial<Record<ResourceType, { amount: number; count: number; failed: number }>> = {};
  for (const e of events) {
    const t = out[e.resourceType] ?? { amount: 0, count: 0, failed: 0 };
    out[e.resourceType] = t;
    t.amount += e.amount;
    t.count += 1;
    if (!e.success) t.failed += 1;
  }
  return out;
}

/**
 * The events grouped by operationId, in the order each operation first appears: the resource types of
 * each operation's events. An event without an operationId is a group of its own under `null`.
 */
export function byOperation(
  events: readonly UsageEvent[],
): { operationId: string | null; resources: ResourceType[] }[] {
  const groups = new Map<string, { operationId: string | null; resources: ResourceType[] }>();
  events.forEach((e, i) => {
    const key = e.operationId ?? `#${i}`;
    const group = groups.get(key) ?? { operationId: e.operationId, resources: [] };
    groups.set(key, group);
    group.resources.push(e.resourceType);
  });
  return [...groups.values()];
}
