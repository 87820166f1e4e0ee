import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { compilePlan, PRICE_PLAN_TEMPLATES, type PricePlanInput, parsePricePlan } from '../../src/pricing/index.js';

const errorOf = (input: unknown) => {
  try {
    parsePricePlan(input as PricePlanInput);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { code: (error as ValidationError).code, field: (error as ValidationError).field };
  }
  throw new Error('expected a ValidationError');
};

const download = (tiers: unknown) => ({ backend: 's3', prices: [{ resource: 'download', tiers }] });

describe('price plans', () => {
  it('are checked, canonical and in resource order', () => {
    const plan = parsePricePlan({
      backend: 'photos',
      timezone: 'europe/berlin',
      prices: [
        { resource: 'MONTHLY_FEE', tiers: [{ pricePerUnit: '5.00' }] },
        { resource: 'download', tiers: [{ upTo: 1, pricePerUnit: '0' }, { pricePerUnit: '0.090' }] },
      ],
      effectiveFrom: '2026-03-01T00:00:00+01:00',
    });
    expect(plan).toEqual({
      backend: 'photos',
      timezone: 'Europe/Berlin',
      template: null,
      prices: [
        {
          resource: 'download',
          tiers: [
            { upTo: 1, pricePerUnit: '0' },
            { upTo: null, pricePerUnit: '0.09' },
          ],
        },
        { resource: 'monthly_fee', tiers: [{ upTo: null, pricePerUnit: '5' }] },
      ],
      effectiveFrom: Date.UTC(2026, 1, 28, 23),
    });
    // A checked plan passes again unchanged, and is plain JSON.
    expect(parsePricePlan(plan)).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(parsePricePlan({ backend: 'x' })).toMatchObject({ timezone: 'UTC', prices: [], effectiveFrom: null });
  });

  it('start from a template and override only the resources given', () => {
    const plan = parsePricePlan({
      backend: 'r2',
      template: 'cloudflare-r2-standard',
      prices: [{ resource: 'STORAGE', tiers: [{ pricePerUnit: '0.02' }] }],
    });
    expect(plan.template).toBe('cloudflare-r2-standard');
    expect(plan.prices.find((p) => p.resource === 'storage')?.tiers).toEqual([{ upTo: null, pricePerUnit: '0.02' }]);
    expect(plan.prices.find((p) => p.resource === 'api_calls_class_a')?.tiers).toEqual([
      { upTo: 1_000_000, pricePerUnit: '0' },
      { upTo: null, pricePerUnit: '0.0000045' },
    ]);
    // A stored plan keeps its prices even if the template changes later: compiling does not re-apply it.
    const edited = { ...plan, prices: plan.prices.filter((p) => p.resource !== 'download') };
    expect(compilePlan(edited).tiers.has('download')).toBe(false);
  });

  it('templates are valid plans with their sources dated and free allowances as zero-priced first tiers', () => {
    expect(PRICE_PLAN_TEMPLATES.map((t) => t.name)).toEqual(['aws-s3-standard-us-east-1', 'cloudflare-r2-standard']);
    for (const template of PRICE_PLAN_TEMPLATES) {
      const plan = parsePricePlan({ backend: 'b', template: template.name });
      expect(plan.prices.map((p) => p.resource)).toEqual([
        'upload',
        'download',
        'storage',
        'api_calls_class_a',
        'api_calls_class_b',
        'api_calls_unclassified',
      ]);
      expect(template.source).toMatch(/https:\/\/\S+ .*\d{4}-\d{2}/);
    }
    const s3 = parsePricePlan({ backend: 'b', template: 'aws-s3-standard-us-east-1' });
    expect(s3.prices.find((p) => p.resource === 'download')?.tiers[0]).toEqual({ upTo: 100, pricePerUnit: '0' });
    expect(s3.prices.find((p) => p.resource === 'storage')?.tiers[0]).toEqual({ upTo: 51_200, pricePerUnit: '0.023' });
    const r2 = parsePricePlan({ backend: 'b', template: 'cloudflare-r2-standard' });
    expect(r2.prices.find((p) => p.resource === 'storage')?.tiers[0]).toEqual({ upTo: 10, pricePerUnit: '0' });
  });

  it.each<[string, unknown, string, string]>([
    ['no tiers', download([]), 'INVALID_PRICE_PLAN', 'prices[0].tiers'],
    ['a bounded last tier', download([{ upTo: 5, pricePerUnit: '1' }]), 'INVALID_PRICE_PLAN', 'prices[0].tiers[0]'],
    [
      'an unbounded middle tier',
      download([{ pricePerUnit: '1' }, { pricePerUnit: '2' }]),
      'INVALID_PRICE_PLAN',
      'prices[0].tiers[0].upTo',
    ],
    [
      'tiers not ascending',
      download([{ upTo: 5, pricePerUnit: '1' }, { upTo: 5, pricePerUnit: '1' }, { pricePerUnit: '1' }]),
      'INVALID_PRICE_PLAN',
      'prices[0].tiers[1].upTo',
    ],
    [
      'a zero upTo',
      download([{ upTo: 0, pricePerUnit: '1' }, { pricePerUnit: '1' }]),
      'INVALID_PRICE_PLAN',
      'prices[0].tiers[0].upTo',
    ],
    [
      'a fractional upTo',
      download([{ upTo: 1.5, pricePerUnit: '1' }, { pricePerUnit: '1' }]),
      'INVALID_PRICE_PLAN',
      'prices[0].tiers[0].upTo',
    ],
    ['a negative price', download([{ pricePerUnit: '-0.1' }]), 'INVALID_PRICE', 'prices[0].tiers[0].pricePerUnit'],
    [
      'a too precise price',
      download([{ pricePerUnit: '0.0000000001' }]),
      'INVALID_PRICE',
      'prices[0].tiers[0].pricePerUnit',
    ],
    ['a float price', download([{ pricePerUnit: 0.09 }]), 'INVALID_PRICE', 'prices[0].tiers[0].pricePerUnit'],
    [
      'an unknown resource',
      { backend: 's3', prices: [{ resource: 'egress', tiers: [{ pricePerUnit: '1' }] }] },
      'INVALID_PRICE_PLAN',
      'prices[0].resource',
    ],
    [
      'a resource twice',
      {
        backend: 's3',
        prices: [
          { resource: 'upload', tiers: [{ pricePerUnit: '1' }] },
          { resource: 'UPLOAD', tiers: [{ pricePerUnit: '1' }] },
        ],
      },
      'INVALID_PRICE_PLAN',
      'prices[1].resource',
    ],
    [
      'a tiered monthly fee',
      {
        backend: 's3',
        prices: [{ resource: 'monthly_fee', tiers: [{ upTo: 1, pricePerUnit: '1' }, { pricePerUnit: '1' }] }],
      },
      'INVALID_PRICE_PLAN',
      'prices[0].tiers',
    ],
    ['an unknown zone', { backend: 's3', timezone: 'Mars/Olympus_Mons' }, 'INVALID_TIMEZONE', 'timezone'],
    ['an unknown template', { backend: 's3', template: 'aws-s3-glacier' }, 'INVALID_PRICE_PLAN', 'template'],
    [
      'a bad effectiveFrom',
      { backend: 's3', effectiveFrom: '2026-02-30T00:00:00Z' },
      'INVALID_TIMESTAMP',
      'effectiveFrom',
    ],
    ['an effectiveFrom before 1970', { backend: 's3', effectiveFrom: -1 }, 'INVALID_TIMESTAMP', 'effectiveFrom'],
    ['an empty backend', { backend: '' }, 'INVALID_BACKEND_NAME', 'backend'],
  ])('refuses %s with a typed error naming the field', (_name, input, code, field) => {
    expect(errorOf(input)).toEqual({ code, field });
  });
});
