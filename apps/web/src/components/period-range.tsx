import { formatInstant } from '@/lib/format';

/**
 * The range a page shows, as "2026-12-01 00:00 – 2027-01-01 00:00 (Asia/Kolkata)" in the page's zone, with
 * its exact instants in data-from/data-to (what the e2e suite asks the API for).
 * @example <PeriodRange range={{ from, to }} timeZone="UTC" label="December 2026" />
 */
export function PeriodRange({
  range,
  timeZone,
  label,
}: {
  range: { from: string; to: string };
  timeZone: string;
  /** Words before the range ("December 2026: …"). */
  label?: string;
}) {
  return (
    <p className="muted" style={{ margin: 0 }} data-testid="period-range" data-from={range.from} data-to={range.to}>
      {label ? `${label}: ` : ''}
      {formatInstant(range.from, timeZone)} – {formatInstant(range.to, timeZone)} ({timeZone})
    </p>
  );
}
