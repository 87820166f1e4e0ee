import { formatDollars, type PricedResource } from '@bytemeter/core';
import type { Period } from '@bytemeter/tracker';
import { CliError } from '../cli-error.js';
import type { Output } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { paintTable } from '../table.js';

/** How a priced resource reads in a table, and the unit its usage is counted in. */
export const RESOURCE_WORDS: Record<PricedResource, { label: string; unit: string }> = {
  upload: { label: 'upload', unit: 'GiB' },
  download: { label: 'download', unit: 'GiB' },
  storage: { label: 'storage', unit: 'GiB-month' },
  api_calls_class_a: { label: 'class A calls', unit: 'call' },
  api_calls_class_b: { label: 'class B calls', unit: 'call' },
  api_calls_unclassified: { label: 'unclassified calls', unit: 'call' },
  monthly_fee: { label: 'monthly fee', unit: 'month' },
};

const UNITS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
/** A cell with nothing to show (no plan, or no reported cost line). */
const NONE = '–';

/**
 * Units used, to four decimals with thousands separators ("3 GiB", "0.5 GiB-month", "1,234 calls"); a
 * non-zero amount too small for four decimals says so rather than showing 0.
 */
export function formatUnits(resource: PricedResource, units: number): string {
  const unit = RESOURCE_WORDS[resource].unit;
  const text = units !== 0 && Math.abs(units) < 0.00005 ? '< 0.0001' : UNITS.format(units);
  // Calls and months are counted ("2 calls"); GiB and GiB-month stay as units ("0.5 GiB-month").
  return `${text} ${unit}${(unit === 'call' || unit === 'month') && units !== 1 ? 's' : ''}`;
}

export interface CostFlags {
  period?: Period;
  at?: Date;
  from?: Date;
  to?: Date;
  timezone: string;
  backend?: string;
  json?: boolean;
}

/**
 * `bytemeter cost`: each backend's usage priced by its plans (one row per priced resource and a total row
 * with the cost the application reported beside it), the totals and the month-end forecast.
 * @example await costCommand(tracker, { period: 'month', timezone: 'UTC' })
 */
export async function costCommand(reader: Pick<UsageReader, 'getCosts'>, flags: CostFlags): Promise<Output> {
  // The tracker and the remote reader build the report with its fields in the same order, so --json reads
  // the same from a file or a server (the parity test compares them).
  const report = await reader.getCosts({
    timezone: flags.timezone,
    ...(flags.from !== undefined && flags.to !== undefined
      ? { from: flags.from, to: flags.to }
      : { period: flags.period ?? 'month', ...(flags.at !== undefined ? { at: flags.at } : {}) }),
    ...(flags.backend !== undefined ? { backend: flags.backend } : {}),
  });
  if (flags.backend !== undefined && report.backends.length === 0) {
    throw new CliError(`No backend named "${flags.backend}" has recorded usage.`);
  }
  if (flags.json) return JSON.stringify(report, null, 2);
  const head = `Cost for the ${report.period ?? 'range'} ${report.periodStart} → ${report.periodEnd} (${report.timezone})`;
  if (report.backends.length === 0) {
    return `${head}\n\nNo backends yet: record usage with \`bytemeter track …\` or the tracker, then set a price plan with \`bytemeter plan set\`.`;
  }
  const rows: string[][] = [];
  const totalRows = new Set<number>();
  for (const b of report.backends) {
    for (const line of b.resources) {
      rows.push([
        b.backend,
        b.backendType,
        RESOURCE_WORDS[line.resource].label,
        formatUnits(line.resource, line.units),
        formatDollars(line.costMicros),
        '',
      ]);
    }
    totalRows.add(rows.length);
    rows.push([
      b.backend,
      b.backendType,
      b.hasPlan ? 'total' : 'no price plan',
      '',
      b.hasPlan ? formatDollars(b.computedCostMicros) : NONE,
      formatDollars(b.reportedCostMicros),
    ]);
  }
  const table = paintTable(
    ['BACKEND', 'TYPE', 'RESOURCE', 'UNITS', 'COMPUTED', 'REPORTED'],
    rows,
    new Set([3, 4, 5]),
    (row, _col, cell) => (cell === NONE || cell === 'no price plan' ? 'dim' : totalRows.has(row) ? 'bold' : undefined),
  );
  const lines = [
    `Total: computed ${formatDollars(report.computedTotalMicros)} · reported ${formatDollars(report.reportedTotalMicros)}`,
    `Month-end forecast ${formatDollars(report.forecast.monthEndMicros)} — method: ${report.forecast.method}`,
  ];
  if (report.backends.every((b) => !b.hasPlan)) {
    lines.push(
      'No backend has a price plan: set one with `bytemeter plan set <backend> --template aws-s3-standard-us-east-1` (see `bytemeter plan templates`).',
    );
  }
  return [{ text: `${head}\n\n` }, ...table, { text: `\n\n${lines.join('\n')}` }];
}
