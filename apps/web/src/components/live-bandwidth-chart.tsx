'use client';
import { type BandwidthSample, LiveBandwidthSubscription } from '@bytemeter/client';
import { useEffect, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import { niceTicks } from '@/lib/chart-scale';
import { formatBytes, formatMbps } from '@/lib/format';

const KEEP = 60;
const W = 600;
const H = 160;

/**
 * Upload and download Mbps over the last minute, one sample a second from the `liveBandwidth`
 * subscription; moves without a reload. data-window-bytes (bytes in the shown window) lets tests watch it.
 * The y scale only grows (to the next round value), so the axis does not jump every second. Before the
 * first sample (and without JavaScript) it shows the server's `mbpsNow`, never a made-up zero.
 * @example <LiveBandwidthChart mbpsNow={23.6} />
 */
export function LiveBandwidthChart({ mbpsNow }: { mbpsNow: number }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const [result] = useSubscription(
    { query: LiveBandwidthSubscription, variables: { intervalMs: 1000 }, pause: !mounted },
    (samples: BandwidthSample[] = [], data) => [...samples, data.liveBandwidth].slice(-KEEP),
  );
  const samples = result.data ?? [];
  const windowBytes = samples.reduce((s, x) => s + x.uploadBytes + x.downloadBytes, 0);
  const peak = Math.max(1, ...samples.map((s) => Math.max(s.uploadMbps, s.downloadMbps)));
  const scale = useRef(0);
  if (peak > scale.current) scale.current = niceTicks(0, peak).at(-1) ?? peak;
  const max = scale.current;
  const x = (i: number) => W - (samples.length - 1 - i) * (W / (KEEP - 1));
  const y = (v: number) => H - 6 - (v / max) * (H - 12);
  const line = (pick: (s: BandwidthSample) => number) => samples.map((s, i) => `${x(i)},${y(pick(s))}`).join(' ');
  const last = samples[samples.length - 1];
  return (
    <figure
      className="chart"
      style={{ margin: 0 }}
      data-testid="live-chart"
      data-window-bytes={windowBytes}
      data-samples={samples.length}
    >
      <div className="plot">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label="Live bandwidth over the last minute"
        >
          {[max, max / 2, 0].map((t) => (
            <line key={t} className="grid" x1={0} x2={W} y1={y(t)} y2={y(t)} />
          ))}
          <polyline fill="none" stroke="var(--up)" strokeWidth={2} points={line((s) => s.uploadMbps)} />
          <polyline
            fill="none"
            stroke="var(--down)"
            strokeWidth={2}
            strokeDasharray="6 3"
            points={line((s) => s.downloadMbps)}
          />
        </svg>
        <ol className="y-ticks" aria-hidden="true">
          {[max, max / 2, 0].map((t) => (
            <li key={t} style={{ top: `${(y(t) / H) * 100}%` }}>
              {formatMbps(t)}
            </li>
          ))}
        </ol>
      </div>
      <figcaption>
        <span className="legend">
          <span>
            <span className="swatch" style={{ background: 'var(--up)' }} />
            Upload {last ? formatMbps(last.uploadMbps) : '—'}
          </span>
          <span>
            <span className="swatch" style={{ background: 'var(--down)' }} />
            Download {last ? formatMbps(last.downloadMbps) : '—'}
          </span>
        </span>
        <span aria-live="polite">
          {result.error
            ? `Live feed interrupted: ${result.error.message}`
            : last
              ? `${formatBytes(windowBytes)} moved in the last minute`
              : `Bandwidth now ${formatMbps(mbpsNow)} · the live chart starts with its first sample (needs JavaScript)`}
        </span>
      </figcaption>
    </figure>
  );
}
