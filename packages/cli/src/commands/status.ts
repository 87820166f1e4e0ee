import { formatBytes } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';
import type { UsageReader } from '../source/usage-reader.js';
import { renderTable } from '../table.js';

export interface StatusFlags {
  backend?: string;
  json?: boolean;
}

/**
 * `bytemeter status`: one line per backend. An unknown --backend is bad usage (exit 2) naming the known ones.
 * @example await statusCommand(tracker, { backend: 'photos' })
 */
export async function statusCommand(
  reader: Pick<UsageReader, 'getBackendStatus'>,
  flags: StatusFlags,
): Promise<string> {
  const statuses = await reader.getBackendStatus(flags.backend);
  const list = Object.values(statuses);
  if (flags.backend !== undefined && list.length === 0) {
    const known = Object.keys(await reader.getBackendStatus());
    throw new CliError(
      `No backend named "${flags.backend}"${known.length > 0 ? `; known: ${known.join(', ')}` : ' (none recorded yet)'}.`,
      EXIT.USAGE,
    );
  }
  if (flags.json) return JSON.stringify(statuses, null, 2);
  if (list.length === 0) return 'No backends yet: record usage with `bytemeter track …` or the tracker.';
  return renderTable(
    ['BACKEND', 'TYPE', 'HEALTH', 'ACTIVE', 'ERRORS', 'FAILS', 'MBPS', 'STORED', 'LAST OPERATION'],
    list.map((s) => [
      s.backend,
      s.backendType,
      s.healthStatus,
      s.isActive ? 'yes' : 'no',
      `${(s.errorRate * 100).toFixed(1)}%`,
      String(s.consecutiveFailures),
      s.currentBandwidthUsageMbps.toFixed(3),
      formatBytes(s.currentStorageUsageBytes),
      s.lastOperationAt ?? '',
    ]),
    new Set([4, 5, 6, 7]),
  );
}
