'use client';
import { type BandwidthSample, LiveBandwidthSubscription } from '@bytemeter/client';
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { useSubscription } from 'urql';
import { cssColor, useColorScheme } from '@/components/charts/theme';
import { axisLabel } from '@/lib/chart-model';
import { liveScaleMax, niceTicks } from '@/lib/chart-scale';
import { formatBytes, formatInstant, formatMbps } from '@/lib/format';

const KEEP = 60;
const HEIGHT = 180;

/**
 * Upload and download Mbps over the last minute, one sample a second from the `liveBandwidth`
 * subscription, drawn with uPlot; moves without a reload. The axes are fixed: x is always "60 s ago" to
 * "now", and the y scale only grows (to the next round value), so nothing rescales every second. Hovering
 * shows a sample's time and exact rates. data-window-bytes (bytes in the shown window) lets tests watch it.
 * Before the first sample (and without JavaScript) it shows the server's `mbpsNow`, never a made-up zero.
 * @example <LiveBandwidthChart mbpsNow={23.6} timeZone="UTC" />
 */
export function LiveBandwidthChart({ mbpsNow, timeZone }: { mbpsNow: number; timeZone: string }) {
  const figure = useRef<HTMLElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const yMax = useRef(1);
  const latest = useRef<BandwidthSample[]>([]);
  const scheme = useColorScheme();
  // Subscribes in the browser only (the server render has no use for a stream).
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const [result] = useSubscription(
    { query: LiveBandwidthSubscription, variables: { intervalMs: 1000 }, pause: !mounted },
    (samples: BandwidthSample[] = [], data) => [...samples, data.liveBandwidth].slice(-KEEP),
  );
  const samples = result.data ?? [];
  latest.current = samples;
  const windowBytes = samples.reduce((s, x) => s + x.uploadBytes + x.downloadBytes, 0);
  yMax.current = liveScaleMax(
    yMax.current,
    samples.map((s) => Math.max(s.uploadMbps, s.downloadMbps)),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of colour scheme rebuilds the chart in the new palette.
  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      const el = figure.current;
      if (cancelled || !el || !host.current) return;
      const muted = cssColor(el, '--muted');
      const line = cssColor(el, '--line');
      const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
      chart.current = new UPlot(
        {
          width: Math.max(200, el.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false }, y: false },
          scales: {
            x: { time: false, range: () => [-(KEEP - 1), 0] },
            y: { range: () => [0, yMax.current] },
          },
          axes: [
            {
              ...axis,
              splits: () => [-59, -45, -30, -15, 0],
              values: (_u, splits) => splits.map((s) => (s === 0 ? 'now' : `${-s} s ago`)),
            },
            {
              ...axis,
              size: 78,
              splits: () => niceTicks(0, yMax.current),
              values: (_u, splits) => splits.map((v) => axisLabel('MBPS', v)),
            },
          ],
          series: [
            {},
            { label: 'Upload', stroke: cssColor(el, '--up'), width: 2, points: { show: false } },
            { label: 'Download', stroke: cssColor(el, '--down'), width: 2, dash: [6, 3], points: { show: false } },
          ],
          hooks: { setCursor: [(u) => showSample(u, latest.current, timeZone)] },
        },
        liveData(latest.current),
        host.current,
      );
      observer = new ResizeObserver(() =>
        chart.current?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
      );
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [scheme, timeZone]);

  // Each new sample: new data on the same fixed scales (the y range function reads the grown-only max).
  useEffect(() => {
    chart.current?.setData(liveData(samples));
  }, [samples]);

  const last = samples[samples.length - 1];
  return (
    <figure
      ref={figure}
      className="chart"
      data-testid="live-chart"
      data-window-bytes={windowBytes}
      data-samples={samples.length}
      data-y-max={yMax.current}
    >
      <div ref={host} className="uplot-host" role="img" aria-label="Live bandwidth over the last minute" />
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

/** x is seconds before the newest sample (-59 … 0), so the axis never moves; y the two rates. */
function liveData(samples: readonly BandwidthSample[]): uPlot.AlignedData {
  return [
    samples.map((_, i) => i - (samples.length - 1)),
    samples.map((s) => s.uploadMbps),
    samples.map((s) => s.downloadMbps),
  ];
}

function showSample(u: uPlot, samples: readonly BandwidthSample[], timeZone: string) {
  let tip = u.over.querySelector<HTMLDivElement>('.chart-tooltip');
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'chart-tooltip';
    u.over.appendChild(tip);
  }
  const s = u.cursor.idx == null ? undefined : samples[u.cursor.idx];
  if (!s) {
    tip.hidden = true;
    return;
  }
  const lines = [
    formatInstant(s.timestamp, timeZone, true),
    `Upload: ${formatMbps(s.uploadMbps)} (${formatBytes(s.uploadBytes)})`,
    `Download: ${formatMbps(s.downloadMbps)} (${formatBytes(s.downloadBytes)})`,
  ];
  tip.replaceChildren(...lines.map((text) => Object.assign(document.createElement('div'), { textContent: text })));
  tip.hidden = false;
  const left = u.cursor.left ?? 0;
  const flip = left > u.over.clientWidth / 2;
  tip.style.left = flip ? '' : `${left + 12}px`;
  tip.style.right = flip ? `${u.over.clientWidth - left + 12}px` : '';
  tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 20)}px`;
}
