import { escapeControlChars, formatBytes, formatCount, type HealthStatus } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';
import type { Color, Output } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { paintTable } from '../table.js';

/** Three decimals (a slow link still shows), thousands separated like every other number. */
const MBPS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const HEALTH_COLOR: Record<HealthStatus, Color> = {
  healthy: 'green',
  degraded: 'yellow',
  unhealthy: 'red',
  idle: 'dim',
};

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
): Promise<Output> {
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
  return paintTable(
    ['BACKEND', 'TYPE', 'HEALTH', 'ACTIVE', 'ERRORS', 'FAILED', 'MBPS', 'STORED', 'LAST OPERATION', 'REASON'],
    list.map((s) => [
      s.backend,
      s.backendType,
      s.healthStatus,
      s.isActive ? 'yes' : 'no',
      `${(s.errorRate * 100).toFixed(1)}%`,
      formatCount(s.consecutiveFailures),
      MBPS.format(s.currentBandwidthUsageMbps),
      formatBytes(s.currentStorageUsageBytes),
      s.lastOperationAt ?? '',
      // Why the health is what it is. It may come from a server: escaped here, before the widths are
      // measured, so a control character neither reaches the terminal nor skews the columns.
      escapeControlChars(s.healthReason ?? ''),
    ]),
    new Set([4, 5, 6, 7]),
    (_row, col, cell) => (col === 2 ? HEALTH_COLOR[cell as HealthStatus] : undefined),
  );
}
