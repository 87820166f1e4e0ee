// Published list prices of common backends, as plan templates. Free allowances are zero-priced first
// tiers, so the tier function applies them per billing month like the provider does. Prices change:
// `source` says where each table comes from and as of when; a plan can override any resource.

import type { ResourcePriceInput } from './price-plan.js';

/** A published price table a plan can start from (GraphQL PricePlanTemplate). */
export interface PricePlanTemplate {
  name: string;
  description: string;
  /** Where and when the prices were published. */
  source: string;
  prices: readonly ResourcePriceInput[];
}

export const PRICE_PLAN_TEMPLATES: readonly PricePlanTemplate[] = [
  {
    name: 'aws-s3-standard-us-east-1',
    description:
      'Amazon S3 Standard in US East (N. Virginia): storage in three volume tiers, data transfer out to the ' +
      'internet with the 100 GB/month free allowance then four volume tiers, transfer in free, requests by ' +
      'class (PUT/COPY/POST/LIST $0.005 and GET/SELECT/other $0.0004 per 1,000; DELETE free). Calls without a ' +
      'class are priced as "all other requests" (class B). The 12-month new-account free tier is not included.',
    source:
      'https://aws.amazon.com/s3/pricing/ — list prices as published there as of 2025-06 (storage prices since ' +
      '2016-12-01; 100 GB/month free data transfer out since 2021-12-01). A "GB" there is 2^30 bytes.',
    prices: [
      {
        resource: 'storage',
        tiers: [
          { upTo: 51_200, pricePerUnit: '0.023' },
          { upTo: 512_000, pricePerUnit: '0.022' },
          { pricePerUnit: '0.021' },
        ],
      },
      { resource: 'upload', tiers: [{ pricePerUnit: '0' }] },
      {
        resource: 'download',
        tiers: [
          { upTo: 100, pricePerUnit: '0' },
          { upTo: 10_240, pricePerUnit: '0.09' },
          { upTo: 51_200, pricePerUnit: '0.085' },
          { upTo: 153_600, pricePerUnit: '0.07' },
          { pricePerUnit: '0.05' },
        ],
      },
      { resource: 'api_calls_class_a', tiers: [{ pricePerUnit: '0.000005' }] },
      { resource: 'api_calls_class_b', tiers: [{ pricePerUnit: '0.0000004' }] },
      { resource: 'api_calls_unclassified', tiers: [{ pricePerUnit: '0.0000004' }] },
    ],
  },
  {
    name: 'cloudflare-r2-standard',
    description:
      'Cloudflare R2 Standard storage: $0.015 per GB-month after 10 GB-month free, class A operations $4.50 ' +
      'per million after 1 million free, class B $0.36 per million after 10 million free, no egress or ' +
      'ingress charge. Calls without a class are priced at the class B rate, without its allowance. R2 bills ' +
      "storage as the average of each day's peak; bytemeter's exact byte-time can only be at or below that.",
    source:
      'https://developers.cloudflare.com/r2/pricing/ — prices as published there as of 2025-06 (unchanged ' +
      'since R2 became generally available on 2022-09-21).',
    prices: [
      {
        resource: 'storage',
        tiers: [{ upTo: 10, pricePerUnit: '0' }, { pricePerUnit: '0.015' }],
      },
      { resource: 'upload', tiers: [{ pricePerUnit: '0' }] },
      { resource: 'download', tiers: [{ pricePerUnit: '0' }] },
      {
        resource: 'api_calls_class_a',
        tiers: [{ upTo: 1_000_000, pricePerUnit: '0' }, { pricePerUnit: '0.0000045' }],
      },
      {
        resource: 'api_calls_class_b',
        tiers: [{ upTo: 10_000_000, pricePerUnit: '0' }, { pricePerUnit: '0.00000036' }],
      },
      { resource: 'api_calls_unclassified', tiers: [{ pricePerUnit: '0.00000036' }] },
    ],
  },
];

/**
 * The template of that name, or undefined.
 * @example findPricePlanTemplate('cloudflare-r2-standard')?.source
 */
export function findPricePlanTemplate(name: string): PricePlanTemplate | undefined {
  return PRICE_PLAN_TEMPLATES.find((t) => t.name === name);
}
