import type { SeriesPoint } from '@bytemeter/tracker';
import { builder } from '../builder.js';
import { BackendTypeEnum, GranularityEnum, ResourceTypeEnum } from './enums.js';
import { TimeRange } from './scalars.js';

const SeriesPointRef = builder.objectRef<SeriesPoint>('SeriesPoint').implement({
  fields: (t) => ({
    bucketStart: t.expose('bucketStart', {
      type: 'DateTime',
      description: "Start of the bucket in the query's time zone.",
    }),
    backend: t.exposeString('backend', { nullable: true }),
    resourceType: t.expose('resourceType', { type: ResourceTypeEnum }),
    totalAmount: t.expose('totalAmount', { type: 'SafeInt' }),
    operationCount: t.expose('operationCount', { type: 'SafeInt' }),
  }),
});

builder.queryField('timeSeries', (t) =>
  t.field({
    type: [SeriesPointRef],
    description: 'Buckets of one resource over a range, per backend unless `backend` narrows it.',
    args: {
      resourceType: t.arg({ type: ResourceTypeEnum, required: true }),
      granularity: t.arg({ type: GranularityEnum, required: true }),
      range: t.arg({ type: TimeRange, required: true }),
      timezone: t.arg.string({ defaultValue: 'UTC' }),
      backend: t.arg.string(),
      backendType: t.arg({ type: BackendTypeEnum }),
    },
    resolve: (_root, args, ctx) =>
      ctx.tracker.getTimeSeries({
        resourceType: args.resourceType,
        granularity: args.granularity,
        from: args.range.from,
        to: args.range.to,
        timezone: args.timezone ?? 'UTC',
        ...(args.backend != null ? { backend: args.backend } : {}),
        ...(args.backendType ? { backendType: args.backendType } : {}),
      }),
  }),
);
