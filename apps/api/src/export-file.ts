import { EXPORT_CONTENT_TYPES, type ExportFormat } from '@bytemeter/tracker';

/** Most events the GraphQL `export` field returns inline; larger ranges are refused with a pointer to /export. */
export const EXPORT_INLINE_CAP = 10_000;

/** The resolved [from, to) an export covers: the range when given, else the last `hoursBack` hours. */
export function exportRange(range: { from: Date; to: Date } | null | undefined, hoursBack: number, now = Date.now()) {
  if (range) return { from: range.from, to: range.to };
  return { from: new Date(now - Math.round(hoursBack * 3_600_000)), to: new Date(now) };
}

/**
 * Download name of an export, e.g. `bytemeter-usage-20261120T0000Z-20261127T0000Z.csv`.
 * @example exportFilename('csv', new Date(0), new Date(3600_000))
 */
export function exportFilename(format: ExportFormat, from: Date, to: Date): string {
  const stamp = (d: Date) => (Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString().replace(/[-:]|\.\d+/g, ''));
  return `bytemeter-usage-${stamp(from)}-${stamp(to)}.${format}`;
}

export function exportContentType(format: ExportFormat): string {
  return EXPORT_CONTENT_TYPES[format];
}
