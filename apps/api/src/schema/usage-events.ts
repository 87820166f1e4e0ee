import { MAX_BATCH_EVENTS, type UsageEvent, type UsagePage } from '@bytemeter/tracker';
import { builder } from '../builder.js';
import { apiError } from '../errors.js';
import { MissedEvents } from '../live/event-source.js';
import { ApiCallClassEnum, BackendTypeEnum, ResourceTypeEnum } from './enums.js';
import { TimeRange } from './scalars.js';
import { ResourceUsageRef } from './usage-summary.js';

export const UsageEventRef = builder.objectRef<UsageEvent>('UsageEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
    backend: t.exposeString('backend'),
    backendType: t.expose('backendType', { type: BackendTypeEnum }),
    resourceType: t.expose('resourceType', { type: ResourceTypeEnum }),
    amount: t.expose('amount', { type: 'SafeInt' }),
    formattedAmount: t.exposeString('formattedAmount'),
    operationId: t.exposeString('operationId', { nullable: true }),
    path: t.exposeString('path', { nullable: true }),
    success: t.exposeBoolean('success'),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    reportedLevel: t.expose('reportedLevel', {
      type: 'SafeInt',
      nullable: true,
      description: 'For a storage level report (setStorageLevel), the level reported; amount is the change it implied.',
    }),
  }),
});

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', {
      description: 'Newer events exist before this page: pass startCursor as `before` to get them.',
    }),
    startCursor: t.exposeString('startCursor', {
      nullable: true,
      description: "The first event's cursor when hasPreviousPage, else null.",
    }),
  }),
});

const UsageEventConnectionRef = builder.objectRef<UsagePage>('UsageEventConnection').implement({
  description: 'Events newest first.',
  fields: (t) => ({
    nodes: t.field({ type: [UsageEventRef], resolve: (p) => p.events }),
    pageInfo: t.field({
      type: PageInfoRef,
      resolve: (p) => ({
        hasNextPage: p.nextCursor !== null,
        endCursor: p.nextCursor,
        hasPreviousPage: p.prevCursor !== null,
        startCursor: p.prevCursor,
      }),
    }),
    totalCount: t.expose('totalCount', { type: 'SafeInt' }),
    totals: t.field({
      type: [ResourceUsageRef],
      description:
        'Per resource, over every event the filters match (not only this page): sum, count, min and max. Read in the same query as totalCount.',
      resolve: (p) => p.totals,
    }),
  }),
});

builder.queryField('usage', (t) =>
  t.field({
    type: UsageEventConnectionRef,
    description:
      'Individual events, newest first: the last `hoursBack` hours, or `range` when given. `first` is 1 to 1000. ' +
      'Pages are keyset cursors, stable while events land: `after` an endCursor goes to older events, `before` a ' +
      'startCursor to newer ones, `last` without `before` jumps to the oldest events. The `hoursBack` window is the ' +
      'one of the first page: cursors carry it, so later pages do not slide. `after` with `before` or ' +
      '`last` is refused (BAD_USER_INPUT, trackerCode INVALID_OPTION).',
    args: {
      backend: t.arg.string(),
      backendType: t.arg({ type: BackendTypeEnum }),
      resourceType: t.arg({ type: ResourceTypeEnum }),
      hoursBack: t.arg.int({ defaultValue: 24 }),
      range: t.arg({ type: TimeRange }),
      first: t.arg.int({ defaultValue: 100 }),
      after: t.arg.string(),
      success: t.arg.boolean({ description: 'Only events of operations that succeeded (true) or failed (false).' }),
      pathPrefix: t.arg.string({
        description: 'Only events whose path starts with this text (exact, case-sensitive, no wildcards).',
      }),
      last: t.arg.int({
        description: 'Page size going backward (1 to 1000): with `before`, the events just newer; alone, the oldest.',
      }),
      before: t.arg.string({ description: 'A startCursor: the page of events just newer than it.' }),
    },
    resolve: (_root, args, ctx) =>
      ctx.tracker.getResourceUsage({
        ...(args.range ? { from: args.range.from, to: args.range.to } : { hoursBack: args.hoursBack ?? 24 }),
        ...(args.backend != null ? { backend: args.backend } : {}),
        ...(args.backendType ? { backendType: args.backendType } : {}),
        ...(args.resourceType ? { resourceType: args.resourceType } : {}),
        ...(args.success != null ? { success: args.success } : {}),
        ...(args.pathPrefix != null ? { pathPrefix: args.pathPrefix } : {}),
        limit: args.last ?? args.first ?? 100,
        ...(args.after != null ? { cursor: args.after } : {}),
        ...(args.before != null ? { before: args.before } : {}),
        ...(args.last != null && args.before == null ? { fromEnd: true } : {}),
      }),
  }),
);

const UsageEventInput = builder.inputType('UsageEventInput', {
  fields: (t) => ({
    id: t.id({ description: 'Idempotency key: an event whose id was already stored is not counted again.' }),
    timestamp: t.field({ type: 'DateTime', description: 'Defaults to the time the server receives it.' }),
    backend: t.string({ required: true }),
    backendType: t.field({ type: BackendTypeEnum, required: true }),
    resourceType: t.field({ type: ResourceTypeEnum, required: true }),
    amount: t.field({ type: 'SafeInt', required: true }),
    operationId: t.string(),
    path: t.string(),
    success: t.boolean({ defaultValue: true }),
    durationMs: t.int(),
    metadata: t.field({ type: 'JSON' }),
    apiClass: t.field({
      type: ApiCallClassEnum,
      description: "For API_CALLS events: the call's price class; null prices it at the plan's unclassified rate.",
    }),
  }),
});

const RejectedEventRef = builder
  .objectRef<{ index: number; code: string; message: string }>('RejectedEvent')
  .implement({
    fields: (t) => ({
      index: t.exposeInt('index', { description: 'Index of the event in the batch.' }),
      code: t.exposeString('code'),
      message: t.exposeString('message'),
    }),
  });

const TrackUsagePayloadRef = builder
  .objectRef<{ accepted: number; duplicates: number; rejected: { index: number; code: string; message: string }[] }>(
    'TrackUsagePayload',
  )
  .implement({
    fields: (t) => ({
      accepted: t.exposeInt('accepted', { description: 'Events stored by this call.' }),
      duplicates: t.exposeInt('duplicates', { description: 'Events skipped because their id was already stored.' }),
      rejected: t.field({
        type: [RejectedEventRef],
        description: 'Empty unless the batch was refused; a refused batch stores nothing.',
        resolve: (p) => p.rejected,
      }),
    }),
  });

builder.mutationField('trackUsage', (t) =>
  t.field({
    type: TrackUsagePayloadRef,
    description: `Stores a batch atomically: every event, or none when any is invalid. At most ${MAX_BATCH_EVENTS} events per call.`,
    args: { events: t.arg({ type: [UsageEventInput], required: true }) },
    resolve: (_root, { events }, ctx) => ctx.tracker.ingestBatch(asTrackerEvents(events)),
  }),
);

/**
 * The coerced UsageEventInputs as the tracker takes them, in place rather than copied (a copy per event was
 * a visible share of the API's own cost at 1,000 events per call). Every field already is what the tracker
 * takes: enum values, an ID as a string (the ID scalar's parseValue), a DateTime as a Date. The tracker
 * reads an explicit null as absent everywhere but in `timestamp` and `success`, which it would refuse:
 * those two become absent, so its defaults (now, true) apply. The objects are this execution's own coerced
 * copies, so nothing the client sent is changed.
 */
function asTrackerEvents(events: (typeof UsageEventInput.$inferInput)[]): Record<string, unknown>[] {
  for (const e of events as Record<string, unknown>[]) {
    if (e.timestamp === null) e.timestamp = undefined;
    if (e.success === null) e.success = undefined;
  }
  return events as Record<string, unknown>[];
}

builder.subscriptionField('usageEvents', (t) =>
  t.field({
    type: UsageEventRef,
    description:
      'Every stored event as it lands (from any process): one shared poller reads new rows every 500 ms. Where ' +
      'events could not be delivered, the subscriber gets one error (code EVENTS_MISSED, extensions.missed: how many, of any backend and type) in their place.',
    args: { backend: t.arg.string(), resourceType: t.arg({ type: ResourceTypeEnum }) },
    subscribe: (_root, args, ctx) =>
      ctx.live.usageEvents({ backend: args.backend ?? null, resourceType: args.resourceType ?? null }),
    resolve: (event: UsageEvent | MissedEvents) => {
      if (event instanceof MissedEvents) {
        throw apiError(
          'EVENTS_MISSED',
          `${event.count} events could not be delivered to this subscription (it or the feed fell behind); they are stored.`,
          { missed: event.count },
        );
      }
      return event;
    },
  }),
);
