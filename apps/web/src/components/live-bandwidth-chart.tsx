'use client';
import { type BandwidthSample, LiveBandwidthSubscription } from '@bytemeter/client';
import { useEffect, useState } from 'react';
import { useSubscription } from 'urql';
import { formatBytes, formatMbps } from '@/lib/format';

const KEEP = 60;
const W = 600;
const H = 160;

/**
 * Upload and download Mbps over the last minute, one sample a second from the `liveBandwidth`
 * subscription; moves without a reload. data-window-bytes (bytes in the shown window) lets tests watch it.
 * @example <LiveBandwidthChart />
 */
export function LiveBandwidthChart() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const [result] = useSubscription(
    { query: LiveBandwidthSubscription, variables: { intervalMs: 1000 }, pause: !mounted },
    (samples: BandwidthSample[] = [], data) => [...samples, data.liveBandwidth].slice(-KEEP),
  );
  const samples = result.data ?? [];
  const windowBytes = samples.reduce((s, x) => s + x.uploadBytes + x.downloadBytes, 0);
  const max = Math.max(0.001, ...samples.map((s) => Math.max(s.uploadMbps, s.downloadMbps)));
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
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Live bandwidth over the last minute"
      >
        <line x1={0} x2={W} y1={H - 6} y2={H - 6} stroke="var(--line)" />
        <polyline fill="none" stroke="var(--up)" strokeWidth={2} points={line((s) => s.uploadMbps)} />
        <polyline
          fill="none"
          stroke="var(--down)"
          strokeWidth={2}
          strokeDasharray="6 3"
          points={line((s) => s.downloadMbps)}
        />
      </svg>
      <figcaption>
        <span className="legend">
          <span>
            <span className="swatch" style={{ background: 'var(--up)' }} />
            Upload {formatMbps(last?.uploadMbps ?? 0)}
          </span>
          <span>
            <span className="swatch" style={{ background: 'var(--down)' }} />
            Download {formatMbps(last?.downloadMbps ?? 0)}
          </span>
        </span>
        <span aria-live="polite">
          {result.error
            ? `Live feed interrupted: ${result.error.message}`
            : `${formatBytes(windowBytes)} moved in the last minute`}
        </span>
      </figcaption>
    </figure>
  );
}
