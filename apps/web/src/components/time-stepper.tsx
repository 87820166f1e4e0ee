import Link from 'next/link';

/**
 * ← Previous / Next → / Now links through periods; only ← Previous while the current period is shown
 * (nothing lies after it yet). Links are not prefetched: the pages are rendered per request.
 * @example <TimeStepper prev="/?at=…" next="/?at=…" now="/" isCurrent={false} unit="month" />
 */
export function TimeStepper({
  prev,
  next,
  now,
  isCurrent,
  unit,
  nowLabel = 'Now',
}: {
  prev: string;
  next: string;
  now: string;
  isCurrent: boolean;
  /** Named in the labels ("← Previous month"); omitted: "← Previous". */
  unit?: string;
  nowLabel?: string;
}) {
  const suffix = unit ? ` ${unit}` : '';
  return (
    <nav className="pager" aria-label={`Step back and forward ${unit ? `by ${unit}` : 'in time'}`}>
      <Link className="button secondary" href={prev} rel="prev" prefetch={false}>
        ← Previous{suffix}
      </Link>
      {isCurrent ? null : (
        <>
          <Link className="button secondary" href={next} rel="next" prefetch={false}>
            Next{suffix} →
          </Link>
          <Link className="button secondary" href={now} prefetch={false}>
            {nowLabel}
          </Link>
        </>
      )}
    </nav>
  );
}
