// Price plans and computed cost (issue 11, contract ../shared/contract/pricing.graphql): plans stored by the
// tracker, templates and the cost report from core's pricing engine. Budgets and alerts: budgets.ts.
import { PRICED_RESOURCES, type PricedResource } from '@bytemeter/core';
import type { BackendCost, CostReport, PricePlanTemplateView, ResourceCost, StoredPricePlan } from '@bytemeter/tracker';
import { requireScope } from '../auth/authenticate.js';
import { builder } from '../builder.js';
import { BackendTypeEnum, enumValues, PeriodEnum } from './enums.js';
import { TimeRange } from './scalars.js';

const PricedResourceEnum = builder.enumType('PricedResource', {
  description: 'What a price plan prices, each in its own unit.',
  values: enumValues<PricedResource>(PRICED_RESOURCES, {
    upload: 'Per GiB sent to the backend.',
    download: 'Per GiB received from the backend.',
    storage: "Per GiB-month: the storage level integrated over time, / 2^30 bytes / the billing month's length.",
    api_calls_class_a: 'Per call of class A.',
    api_calls_class_b: 'Per call of class B.',
    api_calls_unclassified: 'Per call without a class.',
    monthly_fee: "A flat fee per billing month, spread evenly over the month's milliseconds.",
  } satisfies Record<PricedResource, string>),
});

const PriceTierInput = builder.inputType('PriceTierInput', {
  description:
    "One tier of a graduated price: units from the previous tier's upTo (or 0) up to this upTo cost pricePerUnit each.",
  fields: (t) => ({
    upTo: t.field({
      type: 'SafeInt',
      description:
        "Upper bound in the resource's unit, counted from the start of the billing month; omit on the last tier.",
    }),
    pricePerUnit: t.string({ required: true, description: 'US dollars per unit.' }),
  }),
});

const ResourcePriceInput = builder.inputType('ResourcePriceInput', {
  fields: (t) => ({
    resource: t.field({ type: PricedResourceEnum, required: true }),
    tiers: t.field({
      type: [PriceTierInput],
      required: true,
      description: 'Graduated tiers in order. For MONTHLY_FEE: one tier, its price the fee.',
    }),
  }),
});

const PricePlanInput = builder.inputType('PricePlanInput', {
  fields: (t) => ({
    backend: t.string({ required: true }),
    timezone: t.string({ defaultValue: 'UTC', description: 'Time zone of the billing month.' }),
    template: t.string({
      description: 'Start from a published template (see pricePlanTemplates) and override only the resources given.',
    }),
    prices: t.field({ type: [ResourcePriceInput], defaultValue: [] }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description:
        'The plan prices usage from this instant until a later plan of the same backend takes over; default: all usage.',
    }),
  }),
});

type Tier = { upTo: number | null; pricePerUnit: string };
type Price = { resource: PricedResource; tiers: readonly Tier[] };

const PriceTierRef = builder.objectRef<Tier>('PriceTier').implement({
  fields: (t) => ({
    upTo: t.expose('upTo', { type: 'SafeInt', nullable: true }),
    pricePerUnit: t.exposeString('pricePerUnit'),
  }),
});

const ResourcePriceRef = builder.objectRef<Price>('ResourcePrice').implement({
  fields: (t) => ({
    resource: t.expose('resource', { type: PricedResourceEnum }),
    tiers: t.field({ type: [PriceTierRef], resolve: (p) => p.tiers }),
  }),
});

const PricePlanRef = builder.objectRef<StoredPricePlan>('PricePlan').implement({
  fields: (t) => ({
    backend: t.exposeString('backend'),
    timezone: t.exposeString('timezone'),
    template: t.exposeString('template', { nullable: true }),
    prices: t.field({ type: [ResourcePriceRef], resolve: (p) => p.prices }),
    effectiveFrom: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (p) => (p.effectiveFrom === null ? null : new Date(p.effectiveFrom)),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PricePlanTemplateRef = builder.objectRef<PricePlanTemplateView>('PricePlanTemplate').implement({
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. aws-s3-standard-us-east-1, cloudflare-r2-standard.' }),
    description: t.exposeString('description'),
    source: t.exposeString('source', { description: 'Where and when the prices were published.' }),
    prices: t.field({ type: [ResourcePriceRef], resolve: (p) => p.prices }),
  }),
});

const ResourceCostRef = builder.objectRef<ResourceCost>('ResourceCost').implement({
  description: 'The cost of one priced resource of one backend in the range.',
  fields: (t) => ({
    resource: t.expose('resource', { type: PricedResourceEnum }),
    units: t.exposeFloat('units', { description: 'Units used in the range (GiB, GiB-months, calls, months).' }),
    costMicros: t.expose('costMicros', {
      type: 'SafeInt',
      description: 'The exact cost rounded once to the nearest micro (half away from zero).',
    }),
  }),
});

const BackendCostRef = builder.objectRef<BackendCost>('BackendCost').implement({
  fields: (t) => ({
    backend: t.exposeString('backend'),
    backendType: t.expose('backendType', { type: BackendTypeEnum }),
    computedCostMicros: t.expose('computedCostMicros', {
      type: 'SafeInt',
      description: "Sum of resources' costMicros; 0 for a backend without a plan.",
    }),
    reportedCostMicros: t.expose('reportedCostMicros', {
      type: 'SafeInt',
      description: 'OPERATION_COST events recorded in the range (what the application reported itself).',
    }),
    resources: t.field({ type: [ResourceCostRef], resolve: (b) => b.resources }),
    hasPlan: t.exposeBoolean('hasPlan'),
  }),
});

const CostForecastRef = builder.objectRef<CostReport['forecast']>('CostForecast').implement({
  fields: (t) => ({
    monthEndMicros: t.expose('monthEndMicros', {
      type: 'SafeInt',
      description: "Projected cost of the whole billing month that holds the report's end.",
    }),
    method: t.exposeString('method', {
      description: "How it was projected, in words (e.g. month to date plus the last 7 days' daily rate).",
    }),
  }),
});

const CostReportRef = builder.objectRef<CostReport>('CostReport').implement({
  fields: (t) => ({
    period: t.expose('period', { type: PeriodEnum, nullable: true }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
    timezone: t.exposeString('timezone'),
    backends: t.field({ type: [BackendCostRef], resolve: (r) => r.backends }),
    computedTotalMicros: t.expose('computedTotalMicros', { type: 'SafeInt' }),
    reportedTotalMicros: t.expose('reportedTotalMicros', { type: 'SafeInt' }),
    forecast: t.field({ type: CostForecastRef, resolve: (r) => r.forecast }),
  }),
});

builder.queryField('pricePlans', (t) =>
  t.field({ type: [PricePlanRef], resolve: (_root, _args, ctx) => ctx.tracker.getPricePlans() }),
);

builder.queryField('pricePlanTemplates', (t) =>
  t.field({ type: [PricePlanTemplateRef], resolve: (_root, _args, ctx) => ctx.tracker.getPricePlanTemplates() }),
);

builder.queryField('costs', (t) =>
  t.field({
    type: CostReportRef,
    description:
      'Computed and reported cost per backend for a calendar period (default: this month) or an explicit range.',
    args: {
      period: t.arg({ type: PeriodEnum, defaultValue: 'month' }),
      timezone: t.arg.string({ defaultValue: 'UTC' }),
      at: t.arg({ type: 'DateTime' }),
      range: t.arg({ type: TimeRange }),
      backend: t.arg.string(),
    },
    resolve: (_root, args, ctx) =>
      ctx.tracker.getCosts({
        timezone: args.timezone ?? 'UTC',
        ...(args.range ? { from: args.range.from, to: args.range.to } : { period: args.period ?? 'month' }),
        ...(args.at ? { at: args.at } : {}),
        ...(args.backend != null ? { backend: args.backend } : {}),
      }),
  }),
);

builder.mutationField('setPricePlan', (t) =>
  t.field({
    type: PricePlanRef,
    description: 'admin scope.',
    args: { plan: t.arg({ type: PricePlanInput, required: true }) },
    resolve: (_root, { plan }, ctx) => {
      requireScope(ctx.auth, 'admin');
      return ctx.tracker.setPricePlan({
        backend: plan.backend,
        timezone: plan.timezone ?? 'UTC',
        template: plan.template ?? null,
        prices: (plan.prices ?? []).map((p) => ({
          resource: p.resource,
          tiers: p.tiers.map((tier) => ({ upTo: tier.upTo ?? null, pricePerUnit: tier.pricePerUnit })),
        })),
        effectiveFrom: plan.effectiveFrom ?? null,
      });
    },
  }),
);

builder.mutationField('deletePricePlan', (t) =>
  t.field({
    type: 'Boolean',
    description: 'admin scope. true when a plan was removed.',
    args: { backend: t.arg.string({ required: true }) },
    resolve: (_root, { backend }, ctx) => {
      requireScope(ctx.auth, 'admin');
      return ctx.tracker.deletePricePlan(backend);
    },
  }),
);
