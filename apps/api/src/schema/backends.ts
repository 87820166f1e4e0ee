import type { BackendInfo, BackendStatus } from '@bytemeter/tracker';
import { builder } from '../builder.js';
import { apiError } from '../errors.js';
import { BackendTypeEnum, HealthStatusEnum } from './enums.js';

export const BackendStatusRef = builder.objectRef<BackendStatus>('BackendStatus').implement({
  fields: (t) => ({
    backend: t.exposeString('backend'),
    backendType: t.expose('backendType', { type: BackendTypeEnum }),
    isActive: t.exposeBoolean('isActive', {
      description: 'An event within the active window (the tracker health setting activeWindowMs).',
    }),
    healthStatus: t.expose('healthStatus', { type: HealthStatusEnum }),
    healthReason: t.exposeString('healthReason', {
      description: 'Why healthStatus is what it is, e.g. "3 of 120 calls failed in the last 15 min."',
    }),
    errorRate: t.exposeFloat('errorRate', {
      description: 'Failed operations / operations in the health window; 0 when there is none.',
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failures in a row, as last observed.' }),
    currentBandwidthUsageMbps: t.exposeFloat('currentBandwidthUsageMbps', {
      description: 'Upload plus download over the last 60 seconds, in megabits per second (10^6 bits).',
    }),
    currentUploadMbps: t.exposeFloat('currentUploadMbps'),
    currentDownloadMbps: t.exposeFloat('currentDownloadMbps'),
    currentStorageUsageBytes: t.expose('currentStorageUsageBytes', {
      type: 'SafeInt',
      description: 'Storage level now: the running sum of STORAGE_USED, or the last level reported.',
    }),
    currentStorageUsageGb: t.exposeFloat('currentStorageUsageGb', { description: 'currentStorageUsageBytes / 2^30.' }),
    lastOperationAt: t.expose('lastOperationAt', { type: 'DateTime', nullable: true }),
  }),
});

const BackendRef = builder.objectRef<BackendInfo>('Backend').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.expose('type', { type: BackendTypeEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    status: t.field({
      type: BackendStatusRef,
      resolve: async (b, _args, ctx) => {
        const status = (await ctx.allStatuses())[b.name];
        if (!status) throw new Error(`No status for backend ${b.name}`);
        return status;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  backendStatus: t.field({
    type: [BackendStatusRef],
    description: 'Status of every backend, or of one; empty list for an unknown name.',
    args: { backend: t.arg.string() },
    resolve: async (_root, args, ctx) => Object.values(await ctx.tracker.getBackendStatus(args.backend ?? undefined)),
  }),
  backends: t.field({
    type: [BackendRef],
    resolve: (_root, _args, ctx) => ctx.tracker.getBackends(),
  }),
  backend: t.field({
    type: BackendRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => (await ctx.tracker.getBackends()).find((b) => b.name === args.name) ?? null,
  }),
}));

builder.mutationField('setStorageLevel', (t) =>
  t.field({
    type: BackendStatusRef,
    description:
      'Records an absolute storage level reported by the backend itself. The level reported at the latest time wins; a report dated before another one only changes the level between the two.',
    args: {
      id: t.arg.id({
        description:
          'Idempotency key: a report whose id was already stored (a resend after a lost answer) is not stored again.',
      }),
      backend: t.arg.string({ required: true }),
      backendType: t.arg({ type: BackendTypeEnum, required: true }),
      bytes: t.arg({ type: 'SafeInt', required: true }),
      at: t.arg({ type: 'DateTime' }),
    },
    resolve: async (_root, args, ctx) => {
      const result = await ctx.tracker.ingestBatch([
        {
          backend: args.backend,
          backendType: args.backendType,
          resourceType: 'storage_used',
          amount: args.bytes,
          levelReport: true,
          ...(args.id != null ? { id: String(args.id) } : {}),
          ...(args.at ? { timestamp: args.at } : {}),
        },
      ]);
      const refused = result.rejected[0];
      if (refused) throw apiError('BAD_USER_INPUT', refused.message, { trackerCode: refused.code });
      const status = (await ctx.tracker.getBackendStatus(args.backend))[args.backend];
      if (!status) throw new Error(`No status for backend ${args.backend} after a level report`);
      return status;
    },
  }),
);

builder.subscriptionField('backendStatusChanged', (t) =>
  t.field({
    type: BackendStatusRef,
    description:
      "A backend's status whenever its health, activity or storage level changes: one shared poller compares every backend's status each second.",
    args: { backend: t.arg.string() },
    subscribe: (_root, args, ctx) => ctx.live.statusChanges(args.backend ?? null),
    resolve: (status) => status,
  }),
);
