// A tracker's budgets: the reads and writes ResourceTracker exposes, the evaluator that raises alerts after
// writes, the listeners of this process's alerts, and (when this process delivers) the webhook worker.

import {
  type BudgetAlert,
  type BudgetInput,
  type BudgetState,
  checkBudgetInput,
  percentOf,
  type WebhookAttempt,
} from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import type { Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import type { Resolution } from '../rollup/grains.js';
import { toIso } from '../time/zone.js';
import type { WebhookRetry } from '../tracker/options.js';
import { BudgetEvaluator } from './budget-evaluator.js';
import {
  loadBudgetAlerts,
  loadBudgets,
  removeBudget,
  rotateWebhookSecret,
  type StoredBudget,
  WEBHOOK_SECRET_GRACE_MS,
} from './budget-store.js';
import { type BudgetValue, loadBudgetsForValues, readBudgetValues } from './budget-values.js';
import { type CommitSignal, ForeignCommits } from './foreign-commits.js';
import { assertPublicWebhookUrl, type WebhookLookup } from './webhook-address.js';
import { loadAttempts } from './webhook-outbox.js';
import { storeBudgetWithRefusal } from './webhook-restriction.js';
import { WebhookWorker } from './webhook-worker.js';

/** What setBudget answers: the budget, and its webhook secret when one was created by this call. */
export interface SetBudgetResult {
  budget: BudgetState;
  /** `whsec_…`, returned once, when this call gave the budget its webhook secret; null otherwise. */
  webhookSecret: string | null;
}

/** What rotateBudgetWebhookSecret answers: the budget and its new webhook secret, shown this once. */
export interface RotatedWebhookSecret {
  budget: BudgetState;
  /**
   * `whsec_…`: from now on every delivery of the budget, queued ones included, is signed with it, and with
   * the old one too until the grace period ends.
   */
  webhookSecret: string;
}

/** How a webhook secret is rotated. */
export interface RotateSecretOptions {
  /**
   * How long deliveries are signed with the old secret too (ms; default WEBHOOK_SECRET_GRACE_MS, a day).
   * 0 stops signing with it at once.
   */
  graceMs?: number;
}

/** A page of the alert history, newest first. */
export interface BudgetAlertQuery {
  /** At most this many (default 50, at most 1000). */
  first?: number;
  /**
   * Only alerts raised after the one with this id (by any process): the `first` that follow it, still
   * newest first. A follower polls with the newest id it has seen.
   */
  afterId?: string;
}

/** A listener for the alerts this process raises. */
export type BudgetAlertListener = (alert: BudgetAlert) => void;

export type { BudgetAlert, BudgetInput, BudgetState, WebhookAttempt };

export interface BudgetParts {
  db: Kysely<Database>;
  runner: Runner;
  ready: Promise<void>;
  clock: () => number;
  resolution(now: number): Resolution;
  /** Writes what is pending first (a read sees what was recorded before it); throws when closed. */
  beforeRead(): Promise<void>;
  checkIntervalMs: number;
  /** How other processes' commits are noticed (null: not watched; the full pass catches them up). */
  commitSignal: CommitSignal | null;
  deliverWebhooks: boolean;
  webhookRetry: WebhookRetry;
  allowPrivateWebhooks: boolean;
  webhookLookup: WebhookLookup;
  warn(message: string, code: string): void;
}

const MAX_ALERTS_PAGE = 1000;

export class TrackerBudgets {
  private readonly listeners = new Set<BudgetAlertListener>();
  private readonly evaluator: BudgetEvaluator;
  private readonly worker: WebhookWorker | null;
  private readonly foreign: ForeignCommits | null;

  constructor(private readonly parts: BudgetParts) {
    const { db, runner, ready, clock } = parts;
    this.worker = parts.deliverWebhooks
      ? new WebhookWorker({
          db,
          runner,
          ready,
          retry: parts.webhookRetry,
          allowPrivate: parts.allowPrivateWebhooks,
          lookup: parts.webhookLookup,
          failed: (error) =>
            parts.warn(`bytemeter: webhook delivery round failed: ${error.message}`, 'BYTEMETER_WEBHOOK'),
        })
      : null;
    this.evaluator = new BudgetEvaluator({
      db,
      runner,
      ready,
      clock,
      resolution: parts.resolution,
      intervalMs: parts.checkIntervalMs,
      raised: (alerts) => this.publish(alerts),
      failed: (error) => parts.warn(`bytemeter: budget evaluation failed: ${error.message}`, 'BYTEMETER_BUDGETS'),
    });
    const evaluator = this.evaluator;
    this.foreign = parts.commitSignal
      ? new ForeignCommits({
          db,
          runner,
          ready,
          signal: parts.commitSignal,
          written: (minTs, backends) => this.written(minTs, backends),
          missed: () => {
            evaluator.noteEverything();
            evaluator.request();
          },
          unattributed: (minTs) => {
            evaluator.noteEverything();
            evaluator.noteWritten(minTs, []);
            evaluator.request();
          },
          failed: (error) =>
            parts.warn(`bytemeter: watching other processes' commits failed: ${error.message}`, 'BYTEMETER_BUDGETS'),
        })
      : null;
  }

  /** Events of these backends dated from `minTs` on were committed: evaluate soon (throttled). */
  written(minTs: number, backends: Iterable<string>): void {
    this.evaluator.noteWritten(minTs, backends);
    this.evaluator.request();
  }

  async set(input: BudgetInput): Promise<SetBudgetResult> {
    const checked = checkBudgetInput(input);
    const refusePrivate = !this.parts.allowPrivateWebhooks;
    if (checked.webhookUrl !== null && refusePrivate) {
      await assertPublicWebhookUrl(checked.webhookUrl, this.parts.webhookLookup, this.parts.webhookRetry.timeoutMs);
    }
    await this.parts.beforeRead();
    const { db, runner } = this.parts;
    const now = this.parts.clock();
    // The refusal is stored with the budget: every process that delivers it refuses private targets too.
    const { budget, createdSecret } = await runner.write(() => storeBudgetWithRefusal(db, checked, now, refusePrivate));
    this.foreign?.budgetsExist();
    // A line already crossed alerts now, not at the next write.
    await this.evaluator.evaluateNow();
    const [state] = await this.states([budget]);
    return { budget: state!, webhookSecret: createdSecret };
  }

  async rotateSecret(id: string, options: RotateSecretOptions = {}): Promise<RotatedWebhookSecret> {
    if (typeof id !== 'string' || id.length === 0)
      throw new ValidationError('INVALID_BUDGET', 'A budget id is required.', 'id');
    const graceMs = options.graceMs ?? WEBHOOK_SECRET_GRACE_MS;
    if (!Number.isSafeInteger(graceMs) || graceMs < 0)
      throw new ValidationError('INVALID_OPTION', 'graceMs must be a whole number of ms, 0 or more.', 'graceMs');
    await this.parts.ready;
    const { db, runner } = this.parts;
    // The grace period ends in wall-clock time, as the delivery worker reads it (not the tracker clock).
    const keepOldUntil = graceMs > 0 ? Date.now() + graceMs : null;
    const outcome = await runner.write(() => rotateWebhookSecret(db, id, this.parts.clock(), keepOldUntil));
    if (outcome === 'missing')
      throw new ValidationError('INVALID_BUDGET', `No budget has the id ${JSON.stringify(id)}.`, 'id');
    if (outcome === 'no-webhook') {
      throw new ValidationError(
        'INVALID_BUDGET',
        `Budget ${JSON.stringify(id)} has no webhookUrl, so no secret to rotate; set one with setBudget.`,
        'id',
      );
    }
    const budgets = await runner.read(() => loadBudgets(db));
    const budget = budgets.find((b) => b.id === id);
    // Deleted by another process right after the rotation: as if the rotation had found nothing.
    if (budget === undefined)
      throw new ValidationError('INVALID_BUDGET', `No budget has the id ${JSON.stringify(id)}.`, 'id');
    const [state] = await this.states([budget]);
    return { budget: state!, webhookSecret: outcome.secret };
  }

  async list(): Promise<BudgetState[]> {
    await this.parts.beforeRead();
    const { db, runner } = this.parts;
    const now = this.parts.clock();
    const res = this.parts.resolution(now);
    // The budgets and their values in one snapshot: a transaction less (two round trips on a server).
    const { budgets, values } = await runner.read(function* () {
      const { budgets, inputs } = yield* loadBudgetsForValues(db);
      return { budgets, values: yield* readBudgetValues(db, budgets, null, now, res, inputs) };
    });
    return budgets.map((b) => toState(b, values.get(b.id)!));
  }

  async delete(id: string): Promise<boolean> {
    if (typeof id !== 'string' || id.length === 0)
      throw new ValidationError('INVALID_BUDGET', 'A budget id is required.', 'id');
    await this.parts.ready;
    const { db, runner } = this.parts;
    return runner.write(() => removeBudget(db, id));
  }

  async alerts(q: BudgetAlertQuery): Promise<BudgetAlert[]> {
    const first = q.first ?? 50;
    if (!Number.isSafeInteger(first) || first < 1 || first > MAX_ALERTS_PAGE) {
      throw new ValidationError(
        'INVALID_OPTION',
        `first must be a whole number from 1 to ${MAX_ALERTS_PAGE}.`,
        'first',
      );
    }
    if (q.afterId !== undefined && (typeof q.afterId !== 'string' || q.afterId.length === 0)) {
      throw new ValidationError('INVALID_CURSOR', 'afterId must be an alert id.', 'afterId');
    }
    await this.parts.ready;
    const { db, runner } = this.parts;
    const page = await runner.read(() => loadBudgetAlerts(db, first, q.afterId));
    if (page === null)
      throw new ValidationError('INVALID_CURSOR', `No alert has the id ${JSON.stringify(q.afterId)}.`, 'afterId');
    return page;
  }

  onAlert(listener: BudgetAlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async attempts(alertId: string): Promise<WebhookAttempt[]> {
    if (typeof alertId !== 'string' || alertId.length === 0)
      throw new ValidationError('INVALID_OPTION', 'An alert id is required.', 'alertId');
    await this.parts.ready;
    const { db, runner } = this.parts;
    return runner.read(() => loadAttempts(db, alertId));
  }

  /** Runs a last evaluation if one is due, waits for webhook attempts in flight, then stops both. */
  async close(): Promise<void> {
    await this.foreign?.close();
    await this.evaluator.close();
    await this.worker?.close();
  }

  private async states(budgets: readonly StoredBudget[]): Promise<BudgetState[]> {
    const { db, runner } = this.parts;
    const now = this.parts.clock();
    const res = this.parts.resolution(now);
    const values = await runner.read(() => readBudgetValues(db, budgets, null, now, res));
    return budgets.map((b) => toState(b, values.get(b.id)!));
  }

  private publish(alerts: readonly BudgetAlert[]): void {
    this.worker?.wake();
    for (const alert of alerts) {
      for (const listener of this.listeners) {
        try {
          listener(alert);
        } catch (error) {
          this.parts.warn(`bytemeter: a budget alert listener threw: ${(error as Error).message}`, 'BYTEMETER_BUDGETS');
        }
      }
    }
  }
}

function toState(b: StoredBudget, v: BudgetValue): BudgetState {
  return {
    id: b.id,
    name: b.name,
    backend: b.backend,
    metric: b.metric,
    limit: b.limit,
    timezone: b.timezone,
    thresholds: b.thresholds,
    alertOnForecast: b.alertOnForecast,
    webhookUrl: b.webhookUrl,
    current: v.current,
    percentUsed: percentOf(v.current, b.limit),
    forecast: v.forecast,
    projectedFullAt: v.projectedFullAt === null ? null : toIso(v.projectedFullAt),
    updatedAt: toIso(b.updatedAt),
  };
}
