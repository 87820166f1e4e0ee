'use client';
import { useEffect, useState } from 'react';

/**
 * A canvas cannot read CSS custom properties, so a chart asks the page for the colour a property holds
 * right now (light or dark) through a probe element inside `within`. With `alpha` the colour is made
 * translucent.
 * @example cssColor(figure, '--up') // 'rgb(29, 78, 216)'
 */
export function cssColor(within: HTMLElement, property: string, alpha?: number): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${property})`;
  probe.style.display = 'none';
  within.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  if (alpha === undefined) return color;
  const rgb = /rgba?\(([^,]+),\s*([^,]+),\s*([^,)]+)/.exec(color);
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

/**
 * 'dark' or 'light' as `prefers-color-scheme` says now, updated when the system setting changes, so a
 * chart redraws in the other palette. 'light' during the server render.
 */
export function useColorScheme(): 'light' | 'dark' {
  const [scheme, setScheme] = useState<'light' | 'dark'>('light');
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setScheme(query.matches ? 'dark' : 'light');
    update();
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return scheme;
}

/**
 * An x-axis label in the chart's zone, 24-hour: times of day for ranges up to a day and a half (the date
 * at midnight), dates beyond.
 * @example timeLabel(Date.parse('2026-12-03T00:00:00Z'), 86_400_000, 'UTC') // '3 Dec'
 */
export function timeLabel(ms: number, spanMs: number, timeZone: string): string {
  const parts = (opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...opts }).format(ms);
  if (spanMs > 36 * 3_600_000) return parts({ day: 'numeric', month: 'short' });
  const time = parts({ hour: '2-digit', minute: '2-digit' });
  return time === '00:00' ? parts({ day: 'numeric', month: 'short' }) : time;
}
