import { type BackendType, formatCount, type ResourceType, toIsoInZone } from '@bytemeter/tracker';
import type { Output } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { paintTable } from '../table.js';

export interface DetailsFlags {
  hours: number;
  resource?: ResourceType;
  backend?: string;
  type?: BackendType;
  limit: number;
  json?: boolean;
  /** The end of the window (ms since the epoch). */
  now: number;
  /** An explicit window (--from/--to) instead of the last `hours`. */
  from?: Date;
  to?: Date;
  /** Times shown in this zone (with its offset) instead of UTC. */
  timezone?: string;
}

/**
 * `bytemeter details`: the newest events of the last `hours` hours, as a table or JSON.
 * @example await detailsCommand(tracker, { hours: 24, limit: 100, now: Date.now() })
 */
export async function detailsCommand(
  reader: Pick<UsageReader, 'getResourceUsage'>,
  flags: DetailsFlags,
): Promise<Output> {
  const to = flags.to ?? new Date(flags.now);
  const from = flags.from ?? new Date(to.getTime() - Math.round(flags.hours * 3_600_000));
  const zone = flags.timezone;
  const time = (iso: string | Date) =>
    zone === undefined ? new Date(iso).toISOString() : toIsoInZone(new Date(iso).getTime(), zone);
  const page = await reader.getResourceUsage({
    from,
    to,
    limit: flags.limit,
    ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
    ...(flags.type !== undefined ? { backendType: flags.type } : {}),
    ...(flags.resource !== undefined ? { resourceType: flags.resource } : {}),
  });
  if (flags.json) return JSON.stringify(page, null, 2);
  const span = `from ${time(from)} to ${time(to)}`;
  if (page.events.length === 0) return `No events ${span}. Try a longer window with --hours.`;
  const table = paintTable(
    ['TIME', 'BACKEND', 'TYPE', 'RESOURCE', 'AMOUNT', 'OK', 'MS', 'PATH'],
    page.events.map((e) => [
      zone === undefined ? e.timestamp : time(e.timestamp),
      e.backend,
      e.backendType,
      e.resourceType,
      e.formattedAmount,
      e.success ? 'yes' : 'NO',
      e.durationMs === null ? '' : formatCount(e.durationMs),
      e.path ?? '',
    ]),
    new Set([4, 6]),
    (_row, col, cell) => (col === 5 && cell === 'NO' ? 'red' : undefined),
  );
  const shown = `Showing ${formatCount(page.events.length)} of ${formatCount(page.totalCount)} ${page.totalCount === 1 ? 'event' : 'events'} ${span}`;
  const more =
    page.totalCount > page.events.length ? '; raise --limit (up to 1000) or use `bytemeter export` for all.' : '.';
  return [...table, { text: `\n\n${shown}${more}` }];
}
