// Budgets and alerts (issue 12, contract ../shared/contract/pricing.graphql): stored and evaluated by the
// tracker; this file only maps them to GraphQL. Writes need the admin scope, like price plans.
import {
  ALERT_KINDS,
  type AlertKind,
  BUDGET_METRICS,
  type BudgetAlert,
  type BudgetMetric,
  type BudgetState,
  type WebhookAttempt,
} from '@bytemeter/tracker';
import { requireScope } from '../auth/authenticate.js';
import { builder } from '../builder.js';
import { apiError } from '../errors.js';
import { enumValues } from './enums.js';

/** Most alerts one budgetAlerts query returns. */
export const MAX_ALERTS_PAGE = 1000;

const BudgetMetricEnum = builder.enumType('BudgetMetric', {
  values: enumValues<BudgetMetric>(BUDGET_METRICS, {
    cost: 'computedCostMicros per billing month.',
    storage_level: 'The storage level (a quota), not a monthly total.',
  }),
});

const AlertKindEnum = builder.enumType('AlertKind', { values: enumValues<AlertKind>(ALERT_KINDS) });

const BudgetInputRef = builder.inputType('BudgetInput', {
  fields: (t) => ({
    id: t.id({ description: 'Give an existing id to replace that budget.' }),
    name: t.string({ required: true }),
    backend: t.string({ description: 'null: every backend together.' }),
    metric: t.field({ type: BudgetMetricEnum, required: true }),
    limit: t.field({
      type: 'SafeInt',
      required: true,
      description: 'Micros for COST, bytes for bandwidth and storage, calls for API_CALLS.',
    }),
    timezone: t.string({ defaultValue: 'UTC' }),
    thresholds: t.intList({
      defaultValue: [50, 80, 100],
      description: 'Percentages of the limit that raise an alert.',
    }),
    alertOnForecast: t.boolean({
      defaultValue: true,
      description: 'Also alert when the month-end forecast reaches 100% (not for STORAGE_LEVEL).',
    }),
    webhookUrl: t.string({ description: 'POSTed a signed JSON body (Standard Webhooks) for every alert.' }),
  }),
});

/** A budget as served: its state, plus the webhook secret in the one answer that created it (setBudget, rotateBudgetWebhookSecret). */
export type BudgetView = BudgetState & { webhookSecret?: string | null };

const BudgetRef = builder.objectRef<BudgetView>('Budget').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    backend: t.exposeString('backend', { nullable: true }),
    metric: t.expose('metric', { type: BudgetMetricEnum }),
    limit: t.expose('limit', { type: 'SafeInt' }),
    timezone: t.exposeString('timezone'),
    thresholds: t.exposeIntList('thresholds'),
    alertOnForecast: t.exposeBoolean('alertOnForecast'),
    webhookUrl: t.exposeString('webhookUrl', { nullable: true }),
    current: t.expose('current', {
      type: 'SafeInt',
      description: "Value now: this billing month's total, or the storage level.",
    }),
    percentUsed: t.exposeFloat('percentUsed', { description: 'current / limit * 100.' }),
    forecast: t.expose('forecast', {
      type: 'SafeInt',
      nullable: true,
      description: 'Month-end projection of current; null for STORAGE_LEVEL.',
    }),
    projectedFullAt: t.expose('projectedFullAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'STORAGE_LEVEL only: when the level reaches the limit at the recent growth rate; null when not growing.',
    }),
    webhookSecret: t.string({
      nullable: true,
      description:
        'The webhook signing secret (whsec_…), shown once: only in the setBudget answer that created it (a new budget with a webhookUrl, or one that gained its first) and in the rotateBudgetWebhookSecret answer that replaced it; null everywhere else. Verify deliveries with it (Standard Webhooks).',
      resolve: (b) => b.webhookSecret ?? null,
    }),
  }),
});

const WebhookAttemptRef = builder.objectRef<WebhookAttempt>('WebhookAttempt').implement({
  description: "One attempt to POST an alert to its budget's webhook.",
  fields: (t) => ({
    attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
    at: t.expose('at', { type: 'DateTime' }),
    status: t.exposeInt('status', { nullable: true, description: 'The HTTP status answered; null when none came.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed; null when delivered.' }),
    delivered: t.exposeBoolean('delivered'),
  }),
});

export const BudgetAlertRef = builder.objectRef<BudgetAlert>('BudgetAlert').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    budgetId: t.exposeID('budgetId'),
    budgetName: t.exposeString('budgetName'),
    kind: t.expose('kind', { type: AlertKindEnum }),
    threshold: t.exposeInt('threshold', { description: 'The threshold percentage crossed.' }),
    value: t.expose('value', { type: 'SafeInt' }),
    limit: t.expose('limit', { type: 'SafeInt' }),
    // The tracker's ISO strings as they are: periodStart keeps the offset of the budget's zone.
    periodStart: t.expose('periodStart', {
      type: 'DateTime',
      nullable: true,
      description: 'Start of the billing month it belongs to (null for STORAGE_LEVEL).',
    }),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
    webhookAttempts: t.field({
      type: [WebhookAttemptRef],
      description:
        "Attempts to POST this alert to its budget's webhook so far, oldest first (retried with backoff until delivered); empty when the budget has no webhook.",
      resolve: (a, _args, ctx) => ctx.tracker.getWebhookAttempts(a.id),
    }),
  }),
});

builder.queryField('budgets', (t) =>
  t.field({ type: [BudgetRef], resolve: (_root, _args, ctx) => ctx.tracker.getBudgets() }),
);

builder.queryField('budgetAlerts', (t) =>
  t.field({
    type: [BudgetAlertRef],
    description: 'Alerts raised, newest first.',
    args: { first: t.arg.int({ defaultValue: 50 }) },
    resolve: (_root, args, ctx) => {
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_ALERTS_PAGE) {
        throw apiError('BAD_USER_INPUT', `first must be from 1 to ${MAX_ALERTS_PAGE}; got ${first}.`);
      }
      return ctx.tracker.getBudgetAlerts({ first });
    },
  }),
);

builder.mutationField('setBudget', (t) =>
  t.field({
    type: BudgetRef,
    description: 'admin scope.',
    args: { budget: t.arg({ type: BudgetInputRef, required: true }) },
    resolve: async (_root, { budget: b }, ctx) => {
      requireScope(ctx.auth, 'admin');
      const { budget, webhookSecret } = await ctx.tracker.setBudget({
        ...(b.id != null ? { id: String(b.id) } : {}),
        name: b.name,
        backend: b.backend ?? null,
        metric: b.metric,
        limit: b.limit,
        timezone: b.timezone ?? 'UTC',
        thresholds: b.thresholds ?? [50, 80, 100],
        alertOnForecast: b.alertOnForecast ?? true,
        webhookUrl: b.webhookUrl ?? null,
      });
      return { ...budget, webhookSecret: webhookSecret ?? null };
    },
  }),
);

builder.mutationField('deleteBudget', (t) =>
  t.field({
    type: 'Boolean',
    description: 'admin scope.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => {
      requireScope(ctx.auth, 'admin');
      return ctx.tracker.deleteBudget(String(id));
    },
  }),
);

builder.mutationField('rotateBudgetWebhookSecret', (t) =>
  t.field({
    type: BudgetRef,
    description:
      'admin scope. Gives the budget a new webhook secret, returned once in webhookSecret; attempts started after the rotation are signed with the new secret, alerts already queued and their retries included (an attempt already under way may still carry the old one only). For a day after the rotation every attempt also carries a second signature made with the old secret, so the receiver can switch at its own pace. BAD_USER_INPUT (INVALID_BUDGET) for an unknown id or a budget without a webhookUrl.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      requireScope(ctx.auth, 'admin');
      const { budget, webhookSecret } = await ctx.tracker.rotateBudgetWebhookSecret(String(id));
      return { ...budget, webhookSecret };
    },
  }),
);

builder.subscriptionField('budgetAlertRaised', (t) =>
  t.field({
    type: BudgetAlertRef,
    description:
      'Every alert as it is raised, on every replica: alerts of this process at once, those of other processes (the application, other replicas) from the database within about a second.',
    subscribe: (_root, _args, ctx) => ctx.live.budgetAlerts(),
    resolve: (alert) => alert,
  }),
);
