import { setTimeout as sleep } from 'node:timers/promises';
import type { BytemeterClient, BudgetAlert as RemoteAlert, Budget as RemoteBudget } from '@bytemeter/client';
import { toGraphQLEnum } from '@bytemeter/core';
import type {
  AlertKind,
  BudgetAlert,
  BudgetInput,
  BudgetMetric,
  BudgetState,
  ResourceTracker,
} from '@bytemeter/tracker';
import type { Target } from '../args.js';
import { databaseOptions } from './open-target.js';
import { lower } from './remote-words.js';

/** How often a local `alerts --follow` reads new alerts from the database (the API's poller does the same). */
export const FOLLOW_POLL_MS = 1000;

/** A budget as the commands print it: the tracker's state without updatedAt, which the API does not serve. */
export type BudgetView = Omit<BudgetState, 'updatedAt'>;

/** What the budget and alerts commands need, in the tracker's shapes, from the local file or a server. */
export interface BudgetSource {
  getBudgets(): Promise<BudgetView[]>;
  setBudget(input: BudgetInput): Promise<{ budget: BudgetView; webhookSecret: string | null }>;
  deleteBudget(id: string): Promise<boolean>;
  /** The budget and its new webhook secret (shown once); an unknown id or a budget without a webhook throws. */
  rotateWebhookSecret(id: string): Promise<{ budget: BudgetView; webhookSecret: string }>;
  /** Newest first. */
  getBudgetAlerts(first: number): Promise<BudgetAlert[]>;
  /** Alerts raised from now on, by any process, oldest first, until `signal` aborts. */
  followAlerts(signal: AbortSignal): AsyncIterable<BudgetAlert>;
}

export interface OpenedBudgetSource {
  source: BudgetSource;
  close(): Promise<void>;
}

function fromRemoteBudget(b: RemoteBudget): BudgetView {
  return {
    id: b.id,
    name: b.name,
    backend: b.backend ?? null,
    metric: lower<BudgetMetric>(b.metric),
    limit: b.limit,
    timezone: b.timezone,
    thresholds: [...b.thresholds],
    alertOnForecast: b.alertOnForecast,
    webhookUrl: b.webhookUrl ?? null,
    current: b.current,
    percentUsed: b.percentUsed,
    forecast: b.forecast ?? null,
    projectedFullAt: b.projectedFullAt ?? null,
  };
}

/** A server's alert in the tracker's shape (lower-case kind). */
export function fromRemoteAlert(a: RemoteAlert): BudgetAlert {
  return {
    id: a.id,
    budgetId: a.budgetId,
    budgetName: a.budgetName,
    kind: lower<AlertKind>(a.kind),
    threshold: a.threshold,
    value: a.value,
    limit: a.limit,
    periodStart: a.periodStart ?? null,
    raisedAt: a.raisedAt,
  };
}

function remoteSource(client: BytemeterClient): BudgetSource {
  return {
    getBudgets: async () => (await client.getBudgets()).map(fromRemoteBudget),
    async setBudget(input) {
      const { webhookSecret, ...budget } = await client.setBudget({ ...input, metric: toGraphQLEnum(input.metric) });
      return { budget: fromRemoteBudget(budget), webhookSecret: webhookSecret ?? null };
    },
    deleteBudget: (id) => client.deleteBudget(id),
    async rotateWebhookSecret(id) {
      const { webhookSecret, ...budget } = await client.rotateBudgetWebhookSecret(id);
      // The server always answers the new secret here; null would be a server bug, not an empty secret.
      if (!webhookSecret) throw new Error('The server answered no webhook secret for the rotation.');
      return { budget: fromRemoteBudget(budget), webhookSecret };
    },
    getBudgetAlerts: async (first) => (await client.getBudgetAlerts(first)).map(fromRemoteAlert),
    async *followAlerts(signal) {
      const feed = client.subscribeBudgetAlerts();
      const stop = () => void feed.return();
      signal.addEventListener('abort', stop);
      try {
        for await (const alert of feed) yield fromRemoteAlert(alert);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
  };
}

/** The same fields either way, so `--json` prints alike locally and through --endpoint. */
const view = ({ updatedAt: _updatedAt, ...budget }: BudgetState): BudgetView => budget;

function localSource(tracker: ResourceTracker): BudgetSource {
  return {
    getBudgets: async () => (await tracker.getBudgets()).map(view),
    async setBudget(input) {
      const { budget, webhookSecret } = await tracker.setBudget(input);
      return { budget: view(budget), webhookSecret };
    },
    deleteBudget: (id) => tracker.deleteBudget(id),
    async rotateWebhookSecret(id) {
      const { budget, webhookSecret } = await tracker.rotateBudgetWebhookSecret(id);
      return { budget: view(budget), webhookSecret };
    },
    getBudgetAlerts: (first) => tracker.getBudgetAlerts({ first }),
    // From the database, so the alerts of every process writing the file show (the API polls the same way).
    async *followAlerts(signal) {
      let afterId = (await tracker.getBudgetAlerts({ first: 1 }))[0]?.id;
      while (!signal.aborted) {
        await sleep(FOLLOW_POLL_MS, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) break;
        const newestFirst = await tracker.getBudgetAlerts({ first: 1000, ...(afterId ? { afterId } : {}) });
        if (newestFirst.length === 0) continue;
        afterId = newestFirst[0]!.id;
        yield* newestFirst.reverse();
      }
    },
  };
}

/**
 * The local database (default) or, with an endpoint, the server; the client is imported only on the remote path.
 * @example const { source, close } = await openBudgetSource(target)
 */
export async function openBudgetSource(target: Target): Promise<OpenedBudgetSource> {
  if (target.endpoint) {
    const { createBytemeterClient } = await import('@bytemeter/client');
    const client = createBytemeterClient({ url: target.endpoint, ...(target.token ? { token: target.token } : {}) });
    return { source: remoteSource(client), close: () => client.close() };
  }
  const { openResourceTracker } = await import('@bytemeter/tracker');
  const tracker = openResourceTracker({ ...(await databaseOptions(target.db)), flushOnExit: false });
  await tracker.ready;
  return { source: localSource(tracker), close: () => tracker.close() };
}
