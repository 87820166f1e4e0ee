import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BackendCosts } from '@/components/cost/backend-costs';
import { formatDollars } from '@/lib/format';
import type { CostReport } from '@/lib/types';

const report: CostReport = {
  period: 'MONTH',
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
  timezone: 'UTC',
  computedTotalMicros: 200_000,
  reportedTotalMicros: 1_250_000,
  forecast: { monthEndMicros: 200_000, method: 'm' },
  backends: [
    {
      backend: 'disk',
      backendType: 'LOCAL',
      computedCostMicros: 0,
      reportedCostMicros: 1_250_000,
      resources: [],
      hasPlan: false,
    },
    {
      backend: 'photos',
      backendType: 'S3',
      computedCostMicros: 200_000,
      reportedCostMicros: 0,
      resources: [
        { resource: 'UPLOAD', units: 3, costMicros: 180_000 },
        { resource: 'STORAGE', units: 0.5, costMicros: 11_500 },
        { resource: 'API_CALLS_CLASS_B', units: 0, costMicros: 0 },
        { resource: 'MONTHLY_FEE', units: 0, costMicros: 8_500 },
      ],
      hasPlan: true,
    },
  ],
};

describe('BackendCosts', () => {
  const html = renderToStaticMarkup(<BackendCosts report={report} />);
  const row = (backend: string) => new RegExp(`<tr[^>]*data-backend="${backend}"[^>]*>.*?</tr>`).exec(html)?.[0] ?? '';

  it('stacks a priced backend’s computed cost by resource, each segment its share of the costliest backend', () => {
    const photos = row('photos');
    expect(html.indexOf('data-backend="photos"')).toBeLessThan(html.indexOf('data-backend="disk"'));
    expect([...photos.matchAll(/width:([\d.]+)%/g)].map((m) => Number(m[1]))).toEqual([90, 5.75, 4.25]);
    expect(photos).toContain(`>${formatDollars(200_000)}<`);
    // A resource the plan prices at nothing shows $0.00; its exact micros are in the tooltip.
    expect(photos).toMatch(/data-resource="STORAGE" data-value="11500" title="\$0\.01 \(\$0\.0115\)"/);
  });

  it('says "No price plan" for a backend without one instead of a computed $0.00, and keeps its reported cost', () => {
    const disk = row('disk');
    expect(disk).toContain('No price plan');
    expect(disk).not.toContain('$0.00');
    expect(disk).toContain(`>${formatDollars(1_250_000)}<`);
  });

  it('gives a column to each resource some plan prices, in the contract’s order, and none to the rest', () => {
    const heads = [...html.matchAll(/<th class="num">([^<]*)</g)].map((m) => m[1]);
    expect(heads).toEqual(['Computed', 'Reported', 'Upload', 'Storage', 'Class B calls', 'Monthly fee']);
  });
});
