import { formatInstant } from '@/lib/format';

export interface ChartPoint {
  /** Bucket start, ISO. */
  t: string;
  v: number;
}

const W = 600;
const H = 180;
const PAD = { left: 4, right: 4, top: 8, bottom: 4 };

/**
 * A hand-written SVG bar chart (no chart library: nothing to download, renders on the server). Each bar
 * has a <title> with its bucket and value; the figure caption names the range and the largest bucket.
 * @example <BarChart title="Uploaded" points={points} format={formatBytes} timeZone="UTC" />
 */
export function BarChart({
  title,
  points,
  format,
  timeZone,
  color = 'var(--up)',
  kind = 'bar',
}: {
  title: string;
  points: ChartPoint[];
  format: (v: number) => string;
  timeZone: string;
  color?: string;
  kind?: 'bar' | 'line';
}) {
  const max = Math.max(0, ...points.map((p) => p.v));
  const min = Math.min(0, ...points.map((p) => p.v));
  const span = max - min || 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + innerH - ((v - min) / span) * innerH;
  const step = points.length > 0 ? innerW / points.length : innerW;
  const total = points.reduce((s, p) => s + p.v, 0);
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <figure
      className="chart"
      style={{ margin: 0 }}
      data-total={total}
      data-last={last?.v ?? 0}
      data-buckets={points.length}
    >
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${points.length} buckets, largest ${format(max)}`}
      >
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="var(--line)" />
        {kind === 'bar' ? (
          points.map((p, i) => (
            <rect
              key={p.t}
              x={PAD.left + i * step + step * 0.1}
              width={Math.max(step * 0.8, 0.5)}
              y={Math.min(y(p.v), y(0))}
              height={Math.max(Math.abs(y(p.v) - y(0)), p.v === 0 ? 0 : 1)}
              fill={color}
            >
              <title>{`${formatInstant(p.t, timeZone)}: ${format(p.v)}`}</title>
            </rect>
          ))
        ) : (
          <polyline
            fill="none"
            stroke={color}
            strokeWidth={2}
            points={points.map((p, i) => `${PAD.left + (i + 0.5) * step},${y(p.v)}`).join(' ')}
          />
        )}
      </svg>
      <figcaption>
        <span>{first ? formatInstant(first.t, timeZone) : 'no data'}</span>
        <span>{last ? formatInstant(last.t, timeZone) : ''}</span>
      </figcaption>
      <p className="chart-summary">
        {kind === 'bar' ? `Total ${format(total)} · ` : `Now ${format(last?.v ?? 0)} · `}max {format(max)}
      </p>
    </figure>
  );
}
