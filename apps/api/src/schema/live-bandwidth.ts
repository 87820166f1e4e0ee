import { builder } from '../builder.js';
import { apiError } from '../errors.js';
import type { BandwidthSample } from '../live/bandwidth-source.js';

export const MIN_INTERVAL_MS = 250;
export const MAX_INTERVAL_MS = 60_000;

const BandwidthSampleRef = builder.objectRef<BandwidthSample>('BandwidthSample').implement({
  fields: (t) => ({
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    backend: t.exposeString('backend', { nullable: true, description: 'null for the sum over all backends.' }),
    uploadBytes: t.expose('uploadBytes', { type: 'SafeInt' }),
    downloadBytes: t.expose('downloadBytes', { type: 'SafeInt' }),
    uploadMbps: t.exposeFloat('uploadMbps'),
    downloadMbps: t.exposeFloat('downloadMbps'),
    totalMbps: t.exposeFloat('totalMbps'),
  }),
});

builder.subscriptionField('liveBandwidth', (t) =>
  t.field({
    type: BandwidthSampleRef,
    description: `One sample every intervalMs (${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}) of the bytes that landed in the database in that interval, from any process. Computed once per tick per (backend, intervalMs) however many subscribers there are.`,
    args: { backend: t.arg.string(), intervalMs: t.arg.int({ defaultValue: 1000 }) },
    subscribe: (_root, args, ctx) => {
      const intervalMs = args.intervalMs ?? 1000;
      if (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
        throw apiError(
          'BAD_USER_INPUT',
          `intervalMs must be from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}; got ${intervalMs}.`,
        );
      }
      if (args.backend != null && (args.backend.length === 0 || args.backend.length > 256)) {
        throw apiError('BAD_USER_INPUT', 'backend must be a name of 1 to 256 characters.');
      }
      return ctx.live.bandwidth(args.backend ?? null, intervalMs);
    },
    resolve: (sample) => sample,
  }),
);
