'use client';
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { axisLabel, axisTicks, bucketAt, type ChartModel, exactValue, stackTops } from '@/lib/chart-model';
import { nominalStepMs } from '@/lib/chart-scale';
import { formatInstant } from '@/lib/format';
import { ChartNumbers } from './chart-numbers';
import { cssColor, timeLabel, useColorScheme } from './theme';

const HEIGHT = 200;

/**
 * One chart of API buckets drawn with uPlot (canvas): bars, a level line, or bars stacked by series. The
 * x axis is the requested range in the chart's zone; each bar spans its own bucket (so a missing bucket is
 * a gap and two buckets can never merge); the y axis has round steps in the unit; the still-filling bucket
 * is hatched and called partial; hovering shows the bucket and its exact values. The server renders the
 * legend and the numbers as a table, which is the whole chart without JavaScript.
 * @example <BucketChart title="Uploaded" model={barModel({ … })} />
 */
export function BucketChart({ title, model }: { title: string; model: ChartModel }) {
  const figure = useRef<HTMLElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  const scheme = useColorScheme();
  const key = JSON.stringify(model);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the model's content (a new object on every server render).
  useEffect(() => {
    let chart: uPlot | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    // Loaded after the page is shown, so the chart library never delays the first paint.
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !figure.current || !host.current) return;
      chart = new UPlot(chartOptions(UPlot, model, figure.current), chartData(model), host.current);
      observer = new ResizeObserver(() => chart?.setSize({ width: plotWidth(figure.current), height: HEIGHT }));
      observer.observe(figure.current);
      setDrawn(true);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [key, scheme]);

  const first = model.series[0];
  const ticks = yTicks(model);
  const partial = model.buckets.some((b) => b.partial);
  return (
    <figure
      ref={figure}
      className="chart"
      data-total={first?.values.reduce((s, v) => s + v, 0) ?? 0}
      data-last={first?.values.at(-1) ?? 0}
      data-buckets={model.buckets.length}
      data-from={model.range.from}
      data-to={model.range.to}
      data-x-min={model.xMin}
      data-x-max={model.xMax}
      data-y-min={ticks[0]}
      data-y-max={ticks.at(-1)}
      data-granularity={model.granularity}
      data-timezone={model.timeZone}
      data-drawn={drawn ? 'true' : undefined}
    >
      <div ref={host} className="uplot-host" role="img" aria-label={`${title}: ${model.buckets.length} buckets`} />
      <figcaption className="legend">
        {model.series.map((s) => (
          <span key={s.label}>
            <span className="swatch" style={{ background: `var(${s.color})` }} />
            {s.label}
          </span>
        ))}
        {partial ? (
          <span>
            <span className="swatch hatch" />
            partial bucket, still filling
          </span>
        ) : null}
        {model.buckets.length === 0 ? <span>No data in this range</span> : null}
      </figcaption>
      <ChartNumbers title={title} model={model} open={!drawn} />
    </figure>
  );
}

function plotWidth(el: HTMLElement | null): number {
  return Math.max(200, el?.clientWidth ?? 600);
}

/** The columns uPlot draws: x, then one y array per drawn series (stacked: the running sums, top first). */
function chartData(model: ChartModel): uPlot.AlignedData {
  if (model.kind === 'line') {
    const values = model.series[0]?.values ?? [];
    const withStart = model.startLevel !== undefined;
    return [
      [...(withStart ? [model.xMin] : []), ...model.buckets.map((b) => b.end)],
      [...(withStart ? [model.startLevel!] : []), ...values],
    ];
  }
  const xs = model.buckets.map((b) => b.start);
  if (model.kind === 'bar') return [xs, model.series[0]?.values ?? []];
  // Drawn top of the stack first: each later (shorter) bar covers the lower part of the one before.
  return [xs, ...stackTops(model.series.map((s) => s.values)).reverse()];
}

function yTicks(model: ChartModel): number[] {
  const data = chartData(model).slice(1) as number[][];
  const all = data.flat();
  // Nothing to scale by (no data, or all zero): an axis up to one round unit (1 B, 1 call, 1 cent).
  const unit = model.unit === 'DOLLARS' ? 10_000 : 1;
  if (all.length === 0) return [0, unit];
  const ticks = axisTicks(model.unit, Math.min(...all), Math.max(...all), model.kind !== 'line');
  return ticks.length > 1 ? ticks : [ticks[0]!, ticks[0]! + unit];
}

function chartOptions(UPlot: typeof uPlot, model: ChartModel, el: HTMLElement): uPlot.Options {
  const ticks = yTicks(model);
  const muted = cssColor(el, '--muted');
  const line = cssColor(el, '--line');
  const span = model.xMax - model.xMin;
  const step = nominalStepMs(model.granularity);
  // Each bar starts a tenth of a step into its bucket and is 8/10 of a step wide.
  const bars = UPlot.paths.bars!({
    disp: {
      x0: { unit: 1, values: (u) => (u.data[0] as number[]).map((x) => x + step * 0.1) },
      size: { unit: 1, values: () => [step * 0.8] },
    },
  });
  const ordered = model.kind === 'stacked' ? [...model.series].reverse() : model.series;
  const series: uPlot.Series[] = [
    {},
    ...ordered.map(
      (s): uPlot.Series => ({
        label: s.label,
        stroke: cssColor(el, s.color),
        ...(model.kind === 'line'
          ? { width: 2, points: { show: true, size: 6 } }
          : { fill: cssColor(el, s.color), width: 0, paths: bars, points: { show: false } }),
      }),
    ),
  ];
  const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  return {
    width: plotWidth(el),
    height: HEIGHT,
    ms: 1,
    tzDate: (ts) => UPlot.tzDate(new Date(ts), model.timeZone),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, y: false, points: { show: model.kind === 'line' } },
    scales: {
      x: { time: true, range: () => [model.xMin, model.xMax] },
      y: { range: () => [ticks[0]!, ticks.at(-1)!] },
    },
    axes: [
      { ...axis, values: (_u, splits) => splits.map((s) => timeLabel(s, span, model.timeZone)) },
      { ...axis, size: 78, splits: () => ticks, values: (_u, splits) => splits.map((v) => axisLabel(model.unit, v)) },
    ],
    series,
    hooks: {
      draw: [(u) => hatchPartial(u, model, muted)],
      setCursor: [(u) => showTooltip(u, model)],
    },
  };
}

/** Diagonal stripes over each still-filling bucket, and the word "partial" at its top. */
function hatchPartial(u: uPlot, model: ChartModel, color: string) {
  const { ctx, bbox } = u;
  for (const b of model.buckets) {
    if (!b.partial) continue;
    const x0 = u.valToPos(Math.max(b.start, model.xMin), 'x', true);
    const x1 = u.valToPos(Math.min(b.end, model.xMax), 'x', true);
    if (x1 <= x0) continue;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, bbox.top, x1 - x0, bbox.height);
    ctx.clip();
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = devicePixelRatio;
    const gap = 6 * devicePixelRatio;
    for (let x = x0 - bbox.height; x < x1; x += gap) {
      ctx.beginPath();
      ctx.moveTo(x, bbox.top + bbox.height);
      ctx.lineTo(x + bbox.height, bbox.top);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = color;
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.fillText('partial', x0 + 2 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
    ctx.restore();
  }
}

/** The hovered bucket, its exact values, and whether it is still filling, in a box by the cursor. */
function showTooltip(u: uPlot, model: ChartModel) {
  let tip = u.over.querySelector<HTMLDivElement>('.chart-tooltip');
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'chart-tooltip';
    tip.setAttribute('role', 'status');
    u.over.appendChild(tip);
  }
  const left = u.cursor.left ?? -1;
  const i = left < 0 ? -1 : bucketAt(model.buckets, u.posToVal(left, 'x'));
  const b = model.buckets[i];
  if (!b) {
    tip.hidden = true;
    return;
  }
  const { timeZone, unit, series } = model;
  const lines = [
    `${formatInstant(b.t, timeZone)}–${formatInstant(new Date(b.end).toISOString(), timeZone)}${b.partial ? ' (partial, still filling)' : ''}`,
    ...series.map((s) => `${s.label}${model.kind === 'line' ? ' at its end' : ''}: ${exactValue(unit, s.values[i]!)}`),
  ];
  if (series.length > 1)
    lines.push(
      `Total: ${exactValue(
        unit,
        series.reduce((sum, s) => sum + s.values[i]!, 0),
      )}`,
    );
  tip.replaceChildren(...lines.map((text) => Object.assign(document.createElement('div'), { textContent: text })));
  tip.dataset.t = b.t;
  tip.dataset.partial = String(b.partial);
  if (series.length === 1) tip.dataset.v = String(series[0]!.values[i]);
  tip.hidden = false;
  // Beside the cursor, flipped to its left in the right half so it stays inside the chart.
  const flip = left > u.over.clientWidth / 2;
  tip.style.left = flip ? '' : `${left + 12}px`;
  tip.style.right = flip ? `${u.over.clientWidth - left + 12}px` : '';
  tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 20)}px`;
}
