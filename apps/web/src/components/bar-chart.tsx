import { type Bucket, bucketEnd, niceTicks } from '@/lib/chart-scale';
import { formatInstant } from '@/lib/format';
import type { Granularity } from '@/lib/types';

export interface ChartPoint {
  /** Bucket start as the API returned it (ISO, with the zone's offset). */
  t: string;
  v: number;
}

const W = 600;
const H = 180;
const PAD = { top: 8, bottom: 4 };

/**
 * A server-rendered SVG chart of exactly the buckets the API returned (never re-bucketed here): each bar
 * sits at its bucket's start on a time axis over the requested range and is as wide as its bucket, so
 * empty buckets (the API leaves them out) show as gaps and no two API buckets can merge. The bucket still
 * filling (its end after `now`) is drawn lighter and called partial. Y gridlines carry the unit; each bar's
 * <title> gives the bucket and the exact value.
 * @example <BarChart title="Uploaded" points={points} range={range} granularity="HOUR" format={formatBytes} timeZone="UTC" />
 */
export function BarChart({
  title,
  points,
  range,
  granularity,
  format,
  timeZone,
  now = Date.now(),
  color = 'var(--up)',
  kind = 'bar',
  startLevel,
}: {
  title: string;
  points: ChartPoint[];
  range: { from: string; to: string };
  granularity: Granularity;
  format: (v: number) => string;
  timeZone: string;
  now?: number;
  color?: string;
  kind?: 'bar' | 'line';
  /** For a level line: the level at the range's start, drawn as the line's first vertex. */
  startLevel?: number;
}) {
  const to = Date.parse(range.to);
  const buckets: Bucket[] = points.map((p) => {
    const start = Date.parse(p.t);
    return { ...p, start, end: Math.min(bucketEnd(p.t, granularity), to) };
  });
  const from = Math.min(Date.parse(range.from), ...buckets.map((b) => b.start));
  const values = buckets.map((b) => b.v);
  const scaled = startLevel === undefined ? values : [startLevel, ...values];
  // Bars grow from zero; a level (storage) is drawn on a scale around its own movement.
  const ticks =
    scaled.length === 0
      ? [0]
      : niceTicks(
          kind === 'bar' ? Math.min(0, ...scaled) : Math.min(...scaled),
          kind === 'bar' ? Math.max(0, ...scaled) : Math.max(...scaled),
        );
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const span = hi - lo || 1;
  const innerH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + innerH - ((v - lo) / span) * innerH;
  const x = (ms: number) => ((ms - from) / (to - from || 1)) * W;
  const total = values.reduce((s, v) => s + v, 0);
  const max = Math.max(0, ...values);
  const last = buckets[buckets.length - 1];
  const label = (b: Bucket) =>
    `${formatInstant(b.t, timeZone)}–${formatInstant(new Date(b.end).toISOString(), timeZone)}: ${format(b.v)}${bucketEnd(b.t, granularity) > now ? ' (partial, still filling)' : ''}`;
  return (
    <figure
      className="chart"
      style={{ margin: 0 }}
      data-total={total}
      data-last={last?.v ?? 0}
      data-buckets={buckets.length}
      data-from={range.from}
      data-to={range.to}
      data-granularity={granularity}
      data-timezone={timeZone}
    >
      <div className="plot">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${title}: ${buckets.length} buckets, largest ${format(max)}`}
        >
          {ticks.map((t) => (
            <line key={t} className="grid" x1={0} x2={W} y1={y(t)} y2={y(t)} />
          ))}
          {kind === 'bar' ? (
            buckets.map((b) => {
              const partial = bucketEnd(b.t, granularity) > now;
              const left = x(b.start);
              const width = Math.max(x(b.end) - left, 0.5);
              return (
                <rect
                  key={b.t}
                  className={partial ? 'bar partial' : 'bar'}
                  data-t={b.t}
                  data-v={b.v}
                  data-partial={partial ? 'true' : undefined}
                  x={left + width * 0.1}
                  width={Math.max(width * 0.8, 0.5)}
                  y={Math.min(y(b.v), y(0))}
                  height={Math.max(Math.abs(y(b.v) - y(0)), b.v === 0 ? 0 : 1)}
                  fill={color}
                >
                  <title>{label(b)}</title>
                </rect>
              );
            })
          ) : (
            <>
              <polyline
                fill="none"
                stroke={color}
                strokeWidth={2}
                points={[
                  ...(startLevel === undefined ? [] : [`${x(from)},${y(startLevel)}`]),
                  ...buckets.map((b) => `${x(b.end)},${y(b.v)}`),
                ].join(' ')}
              />
              {buckets.map((b) => (
                <circle
                  key={b.t}
                  className="dot"
                  data-t={b.t}
                  data-v={b.v}
                  cx={x(b.end)}
                  cy={y(b.v)}
                  r={3}
                  fill={color}
                >
                  <title>{label(b)}</title>
                </circle>
              ))}
            </>
          )}
        </svg>
        <ol className="y-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <li key={t} style={{ top: `${(y(t) / H) * 100}%` }}>
              {format(t)}
            </li>
          ))}
        </ol>
      </div>
      <figcaption>
        <span>{formatInstant(new Date(from).toISOString(), timeZone)}</span>
        <span>{formatInstant(range.to, timeZone)}</span>
      </figcaption>
      <p className="chart-summary">
        {kind === 'bar' ? `Total ${format(total)} · max ${format(max)}` : `Now ${format(last?.v ?? 0)}`}
        {buckets.length === 0 ? ' · no data in this range' : ''}
      </p>
    </figure>
  );
}
