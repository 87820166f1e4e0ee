import {
  type BackendType,
  RESOURCE_TYPES,
  type ResourceStats,
  type ResourceSummary,
  type ResourceType,
} from '@bytemeter/tracker';
import { builder } from '../builder.js';
import { BackendTypeEnum, PeriodEnum, ResourceTypeEnum } from './enums.js';
import { TimeRange } from './scalars.js';

type ResourceUsage = ResourceStats & { resourceType: ResourceType };
type BackendUsage = { name: string; backendType: BackendType; resources: ResourceUsage[] };

/**
 * A backend's stats as a list in RESOURCE_TYPES order. A plain loop with an object literal of fixed shape:
 * the former flatMap with `{ ...stats }` spreads was the API's costliest line in a usageSummary profile.
 */
function resourcesOf(resources: Partial<Record<ResourceType, ResourceStats>>): ResourceUsage[] {
  const list: ResourceUsage[] = [];
  for (const resourceType of RESOURCE_TYPES) {
    const s = resources[resourceType];
    if (!s) continue;
    list.push({
      resourceType,
      totalAmount: s.totalAmount,
      operationCount: s.operationCount,
      avgAmount: s.avgAmount,
      minAmount: s.minAmount,
      maxAmount: s.maxAmount,
      formattedAmount: s.formattedAmount,
    });
  }
  return list;
}

export const ResourceUsageRef = builder.objectRef<ResourceUsage>('ResourceUsage').implement({
  fields: (t) => ({
    resourceType: t.expose('resourceType', { type: ResourceTypeEnum }),
    totalAmount: t.expose('totalAmount', { type: 'SafeInt', description: 'Sum of amounts in the range.' }),
    operationCount: t.expose('operationCount', { type: 'SafeInt', description: 'Number of events in the range.' }),
    avgAmount: t.exposeFloat('avgAmount', { description: 'totalAmount / operationCount, 0 when there is none.' }),
    minAmount: t.expose('minAmount', { type: 'SafeInt', nullable: true }),
    maxAmount: t.expose('maxAmount', { type: 'SafeInt', nullable: true }),
    formattedAmount: t.exposeString('formattedAmount', {
      description: 'Human form of totalAmount: binary units for bytes, a count for calls, dollars for cost.',
    }),
  }),
});

const BackendUsageRef = builder.objectRef<BackendUsage>('BackendUsage').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.expose('backendType', { type: BackendTypeEnum }),
    resources: t.field({ type: [ResourceUsageRef], resolve: (b) => b.resources }),
  }),
});

const UsageTotalsRef = builder.objectRef<ResourceSummary['totals']>('UsageTotals').implement({
  fields: (t) => ({
    bandwidthUpload: t.expose('bandwidthUpload', { type: 'SafeInt' }),
    bandwidthDownload: t.expose('bandwidthDownload', { type: 'SafeInt' }),
    storageUsed: t.expose('storageUsed', { type: 'SafeInt', description: 'Net change of stored bytes in the range.' }),
    apiCalls: t.expose('apiCalls', { type: 'SafeInt' }),
    operationCostMicros: t.expose('operationCostMicros', { type: 'SafeInt' }),
  }),
});

const UsageSummaryRef = builder.objectRef<ResourceSummary>('UsageSummary').implement({
  fields: (t) => ({
    period: t.expose('period', {
      type: PeriodEnum,
      nullable: true,
      description: 'The calendar period asked for; null when an explicit range was given.',
    }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
    timezone: t.exposeString('timezone'),
    backends: t.field({
      type: [BackendUsageRef],
      resolve: (s) =>
        Object.entries(s.backends).map(([name, b]) => ({
          name,
          backendType: b.backendType,
          resources: resourcesOf(b.resources),
        })),
    }),
    totals: t.field({ type: UsageTotalsRef, resolve: (s) => s.totals }),
  }),
});

builder.queryField('usageSummary', (t) =>
  t.field({
    type: UsageSummaryRef,
    description:
      'Totals per backend and resource for one calendar period (the one holding `at`, default now) or an explicit range.',
    args: {
      period: t.arg({ type: PeriodEnum, defaultValue: 'day' }),
      timezone: t.arg.string({ defaultValue: 'UTC' }),
      at: t.arg({ type: 'DateTime' }),
      range: t.arg({ type: TimeRange }),
      backend: t.arg.string(),
      backendType: t.arg({ type: BackendTypeEnum }),
    },
    resolve: (_root, args, ctx) =>
      ctx.tracker.getResourceSummary({
        timezone: args.timezone ?? 'UTC',
        ...(args.range ? { from: args.range.from, to: args.range.to } : { period: args.period ?? 'day' }),
        ...(args.at ? { at: args.at } : {}),
        ...(args.backend != null ? { backend: args.backend } : {}),
        ...(args.backendType ? { backendType: args.backendType } : {}),
      }),
  }),
);
