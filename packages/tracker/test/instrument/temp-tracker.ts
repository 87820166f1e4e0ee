import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker, type ResourceTracker, type ResourceType, type UsageEvent } from '../../src/index.js';

/** A real tracker on a fresh SQLite file; `dispose()` closes it and removes the directory. */
export function openTempTracker(): { tracker: ResourceTracker; dir: string; dispose(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-instrument-'));
  const tracker = openResourceTracker({ path: join(dir, 'usage.db'), flushOnExit: false });
  return {
    tracker,
    dir,
    async dispose() {
      await tracker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every stored event of one backend, oldest first, read back through the tracker's own read API (a range
 * from an hour ago to a minute ahead, so clock steps between recording and reading never matter).
 */
export async function eventsOf(tracker: ResourceTracker, backendName: string): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  const from = new Date(Date.now() - 3_600_000);
  const to = new Date(Date.now() + 60_000);
  let cursor: string | undefined;
  for (;;) {
    const page = await tracker.getResourceUsage({ backendName, from, to, limit: 1000, cursor });
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
