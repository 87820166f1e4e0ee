import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import {
  BudgetAlertRaisedSubscription,
  BudgetAlertsQuery,
  BudgetsQuery,
  DeleteBudgetMutation,
  RotateBudgetWebhookSecretMutation,
  SetBudgetMutation,
} from './documents/budgets.js';
import { SetStorageLevelMutation, TrackUsageMutation } from './documents/mutations.js';
import {
  CostsQuery,
  DeletePricePlanMutation,
  PricePlansQuery,
  PricePlanTemplatesQuery,
  SetPricePlanMutation,
} from './documents/pricing.js';
import {
  BackendQuery,
  BackendStatusQuery,
  BackendsQuery,
  ExportQuery,
  TimeSeriesQuery,
  UsageQuery,
  UsageSummaryQuery,
} from './documents/queries.js';
import {
  BackendStatusChangedSubscription,
  LiveBandwidthSubscription,
  UsageEventsSubscription,
} from './documents/subscriptions.js';
import { HttpError, NetworkError } from './errors.js';
import { authHeaders, type Connection, clientConnections, requestSignal, resolveUrls } from './transport/connection.js';
import { executeOperation } from './transport/execute.js';
import { type ExportOptions, type ExportStream, openExportStream } from './transport/export-stream.js';
import { type LiveFeed, Subscriptions, type SubscriptionTransport } from './transport/subscriptions.js';

export interface BytemeterClientOptions {
  /** The server, e.g. http://127.0.0.1:4000 (its /graphql URL works too). */
  url: string;
  /** An API token (`bytemeter token create`); needed once the server has any token. */
  token?: string;
  /** A fetch to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Time limit per query or mutation in ms (default 30,000; 0: none). Exports and subscriptions have none. */
  timeoutMs?: number;
  /** Default transport for subscriptions: 'sse' (default) or 'ws'. */
  subscriptions?: SubscriptionTransport;
  /** WebSocket constructor for 'ws' where none is global (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

export type UsageSummary = ResultOf<typeof UsageSummaryQuery>['usageSummary'];
export type UsagePage = ResultOf<typeof UsageQuery>['usage'];
export type UsageEvent = UsagePage['nodes'][number];
export type BackendStatus = ResultOf<typeof BackendStatusQuery>['backendStatus'][number];
export type Backend = ResultOf<typeof BackendsQuery>['backends'][number];
export type SeriesPoint = ResultOf<typeof TimeSeriesQuery>['timeSeries'][number];
export type ExportDocument = ResultOf<typeof ExportQuery>['export'];
export type TrackUsagePayload = ResultOf<typeof TrackUsageMutation>['trackUsage'];
export type UsageEventInput = VariablesOf<typeof TrackUsageMutation>['events'][number];
export type BandwidthSample = ResultOf<typeof LiveBandwidthSubscription>['liveBandwidth'];

export type PricePlan = ResultOf<typeof PricePlansQuery>['pricePlans'][number];
export type PricePlanTemplate = ResultOf<typeof PricePlanTemplatesQuery>['pricePlanTemplates'][number];
export type PricePlanInput = VariablesOf<typeof SetPricePlanMutation>['plan'];
export type CostReport = ResultOf<typeof CostsQuery>['costs'];
export type CostsVariables = VariablesOf<typeof CostsQuery>;

export type Budget = ResultOf<typeof BudgetsQuery>['budgets'][number];
export type BudgetInput = VariablesOf<typeof SetBudgetMutation>['budget'];
/** A stored budget as setBudget answers it: webhookSecret is set only when this call created the secret. */
export type SetBudgetResult = ResultOf<typeof SetBudgetMutation>['setBudget'];
/** A budget after its webhook secret was rotated: webhookSecret is the new secret, shown this once. */
export type RotatedBudgetSecret = ResultOf<typeof RotateBudgetWebhookSecretMutation>['rotateBudgetWebhookSecret'];
export type BudgetAlert = ResultOf<typeof BudgetAlertRaisedSubscription>['budgetAlertRaised'];
/** An alert from the history, with its webhook delivery attempts so far. */
export type BudgetAlertRecord = ResultOf<typeof BudgetAlertsQuery>['budgetAlerts'][number];

export type UsageSummaryVariables = VariablesOf<typeof UsageSummaryQuery>;
export type UsageVariables = Omit<VariablesOf<typeof UsageQuery>, 'after' | 'first'> & {
  /** Events per request, 1 to 1000 (default 500). */
  pageSize?: number;
  /** Resume after this cursor. */
  after?: string | null;
};
export type TimeSeriesVariables = VariablesOf<typeof TimeSeriesQuery>;

/** Per-call choices for a subscription. */
export interface SubscribeOptions {
  transport?: SubscriptionTransport;
}

/** The typed SDK over one bytemeter API. Create it with createBytemeterClient(). */
export interface BytemeterClient {
  /** Totals per backend and resource for a calendar period (default: today in UTC) or a range. */
  getUsageSummary(variables?: UsageSummaryVariables): Promise<UsageSummary>;
  /** Every page of matching events, newest first, fetched as the caller iterates. */
  getUsage(variables?: UsageVariables): AsyncIterableIterator<UsagePage>;
  /** Status of every backend, or of one (an empty list for an unknown name). */
  getBackendStatus(backend?: string): Promise<BackendStatus[]>;
  getBackends(): Promise<Backend[]>;
  getBackend(name: string): Promise<Backend | null>;
  getTimeSeries(variables: TimeSeriesVariables): Promise<SeriesPoint[]>;
  /** Streams GET /export in chunks (any size, flat memory). */
  exportUsage(options?: ExportOptions): Promise<ExportStream>;
  /** The GraphQL `export` field: one document, up to the server's inline cap. */
  getExportDocument(variables?: VariablesOf<typeof ExportQuery>): Promise<ExportDocument>;
  /** Stores a batch atomically (at most 1000 events); prefer createRemoteTracker() for recording. */
  trackUsage(events: UsageEventInput[]): Promise<TrackUsagePayload>;
  setStorageLevel(variables: VariablesOf<typeof SetStorageLevelMutation>): Promise<BackendStatus>;
  /** Every stored price plan, by backend then effectiveFrom. */
  getPricePlans(): Promise<PricePlan[]>;
  /** The published templates a plan can start from. */
  getPricePlanTemplates(): Promise<PricePlanTemplate[]>;
  /** Computed and reported cost per backend for a period (default: this month in UTC) or a range, with the forecast. */
  getCosts(variables?: CostsVariables): Promise<CostReport>;
  /** Stores a plan (admin scope); the same backend and effectiveFrom replace a stored one. */
  setPricePlan(plan: PricePlanInput): Promise<PricePlan>;
  /** Removes every plan of a backend (admin scope); true when one was removed. */
  deletePricePlan(backend: string): Promise<boolean>;
  /** Every budget with its state now (current, percentUsed, forecast, projectedFullAt). */
  getBudgets(): Promise<Budget[]>;
  /** Alerts raised, newest first (default 50, at most 500). */
  getBudgetAlerts(first?: number): Promise<BudgetAlertRecord[]>;
  /**
   * Creates a budget, or replaces the one whose id is given (admin scope). The answer's webhookSecret is the
   * webhook signing secret, shown this once; keep it to verify deliveries.
   */
  setBudget(budget: BudgetInput): Promise<SetBudgetResult>;
  /**
   * Gives a budget with a webhook a new signing secret (admin scope), returned this once in webhookSecret.
   * Attempts started after the rotation are signed with the new secret, queued alerts and retries included
   * (an attempt already under way may still carry the old one only); for a day each attempt is signed with
   * the old secret too, so the receiver can switch at its own pace.
   */
  rotateBudgetWebhookSecret(id: string): Promise<RotatedBudgetSecret>;
  /** Removes a budget (admin scope); true when one was removed. */
  deleteBudget(id: string): Promise<boolean>;
  /** Every alert as it is raised, by any process or replica. */
  subscribeBudgetAlerts(options?: SubscribeOptions): LiveFeed<BudgetAlert>;
  subscribeLiveBandwidth(
    variables?: VariablesOf<typeof LiveBandwidthSubscription>,
    options?: SubscribeOptions,
  ): LiveFeed<BandwidthSample>;
  subscribeUsageEvents(
    variables?: VariablesOf<typeof UsageEventsSubscription>,
    options?: SubscribeOptions,
  ): LiveFeed<UsageEvent>;
  subscribeBackendStatus(
    variables?: VariablesOf<typeof BackendStatusChangedSubscription>,
    options?: SubscribeOptions,
  ): LiveFeed<BackendStatus>;
  /** Runs any typed document (made with this package's `graphql`) and returns its data. */
  execute<D extends TadaDocumentNode<any, any>>(document: D, variables: VariablesOf<D>): Promise<ResultOf<D>>;
  /** GET /healthz: resolves when the server answers, throws NetworkError or HttpError otherwise. */
  checkHealth(): Promise<void>;
  /** Ends open subscriptions. */
  close(): Promise<void>;
}

/**
 * A typed client for the bytemeter API. Queries go over HTTP POST, exports stream from /export, and
 * subscriptions arrive as async iterables over SSE (default) or a WebSocket.
 * @example
 * const client = createBytemeterClient({ url: 'http://127.0.0.1:4000', token: process.env.BYTEMETER_TOKEN })
 * const today = await client.getUsageSummary({ period: 'DAY', timezone: 'Europe/Berlin' })
 * for await (const sample of client.subscribeLiveBandwidth({ intervalMs: 1000 })) console.log(sample.totalMbps)
 */
export function createBytemeterClient(options: BytemeterClientOptions): BytemeterClient {
  const connection: Connection = {
    ...resolveUrls(options.url),
    token: options.token || undefined,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const subscriptions = new Subscriptions(connection, {
    transport: options.subscriptions ?? 'sse',
    webSocketImpl: options.webSocketImpl,
  });
  const run = <D extends TadaDocumentNode<any, any>>(document: D, variables: VariablesOf<D>) =>
    executeOperation(connection, document, variables);

  const client: BytemeterClient = {
    async getUsageSummary(variables = {}) {
      return (await run(UsageSummaryQuery, variables)).usageSummary;
    },
    async *getUsage(variables = {}) {
      const { pageSize = 500, after = null, ...start } = variables;
      let cursor: string | null = after;
      // A backward start (`before`, `last`) picks the first page only; the pages after it go on to older events.
      let filter: typeof start = start;
      for (;;) {
        const page: UsagePage = (await run(UsageQuery, { ...filter, first: pageSize, after: cursor })).usage;
        yield page;
        if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return;
        cursor = page.pageInfo.endCursor;
        const { before: _before, last: _last, ...rest } = filter;
        filter = rest;
      }
    },
    async getBackendStatus(backend) {
      return (await run(BackendStatusQuery, { backend: backend ?? null })).backendStatus;
    },
    async getBackends() {
      return (await run(BackendsQuery, {})).backends;
    },
    async getBackend(name) {
      return (await run(BackendQuery, { name })).backend;
    },
    async getTimeSeries(variables) {
      return (await run(TimeSeriesQuery, variables)).timeSeries;
    },
    exportUsage(exportOptions) {
      return openExportStream(connection, exportOptions);
    },
    async getExportDocument(variables = {}) {
      return (await run(ExportQuery, variables)).export;
    },
    async trackUsage(events) {
      return (await run(TrackUsageMutation, { events })).trackUsage;
    },
    async setStorageLevel(variables) {
      return (await run(SetStorageLevelMutation, variables)).setStorageLevel;
    },
    async getPricePlans() {
      return (await run(PricePlansQuery, {})).pricePlans;
    },
    async getPricePlanTemplates() {
      return (await run(PricePlanTemplatesQuery, {})).pricePlanTemplates;
    },
    async getCosts(variables = {}) {
      return (await run(CostsQuery, variables)).costs;
    },
    async setPricePlan(plan) {
      return (await run(SetPricePlanMutation, { plan })).setPricePlan;
    },
    async deletePricePlan(backend) {
      return (await run(DeletePricePlanMutation, { backend })).deletePricePlan;
    },
    async getBudgets() {
      return (await run(BudgetsQuery, {})).budgets;
    },
    async getBudgetAlerts(first) {
      return (await run(BudgetAlertsQuery, first === undefined ? {} : { first })).budgetAlerts;
    },
    async setBudget(budget) {
      return (await run(SetBudgetMutation, { budget })).setBudget;
    },
    async rotateBudgetWebhookSecret(id) {
      return (await run(RotateBudgetWebhookSecretMutation, { id })).rotateBudgetWebhookSecret;
    },
    async deleteBudget(id) {
      return (await run(DeleteBudgetMutation, { id })).deleteBudget;
    },
    subscribeBudgetAlerts(subscribe = {}) {
      return subscriptions.iterate(BudgetAlertRaisedSubscription, {}, 'budgetAlertRaised', subscribe.transport);
    },
    subscribeLiveBandwidth(variables = {}, subscribe = {}) {
      return subscriptions.iterate(LiveBandwidthSubscription, variables, 'liveBandwidth', subscribe.transport);
    },
    subscribeUsageEvents(variables = {}, subscribe = {}) {
      return subscriptions.iterate(UsageEventsSubscription, variables, 'usageEvents', subscribe.transport);
    },
    subscribeBackendStatus(variables = {}, subscribe = {}) {
      return subscriptions.iterate(
        BackendStatusChangedSubscription,
        variables,
        'backendStatusChanged',
        subscribe.transport,
      );
    },
    execute: run,
    async checkHealth() {
      const url = `${connection.baseUrl}/healthz`;
      let response: Response;
      try {
        response = await connection.fetch(url, {
          headers: authHeaders(connection),
          signal: requestSignal(connection),
        });
      } catch (error) {
        throw new NetworkError(url, error);
      }
      if (!response.ok) throw new HttpError(url, response.status, await response.text().catch(() => ''));
      await response.body?.cancel();
    },
    close() {
      return subscriptions.close();
    },
  };
  clientConnections.set(client, connection);
  return client;
}
