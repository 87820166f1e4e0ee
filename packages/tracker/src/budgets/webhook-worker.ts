// Delivers queued budget webhooks: claims due deliveries (leased), POSTs each body signed per Standard
// Webhooks (the `standardwebhooks` package: webhook-id is the alert id, so receivers dedupe retries),
// records the attempt and schedules the next one with backoff. At least once: a delivery stays pending
// in the database until a 2xx answer, across restarts and processes.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { WebhookRetry } from '../tracker/options.js';
import { privateTargetReason } from './webhook-address.js';
import { type AttemptOutcome, anyDue, type ClaimedDelivery, claimDeliveries, recordAttempt } from './webhook-outbox.js';

/** Deliveries claimed per round. */
const CLAIM_BATCH = 16;

export interface WebhookWorkerParts {
  db: Kysely<Database>;
  runner: Runner;
  ready: Promise<void>;
  retry: WebhookRetry;
  allowPrivate: boolean;
  /** A round failed (database unreachable…): reported, retried next poll. */
  failed(error: Error): void;
}

export class WebhookWorker {
  /** This process's lease owner name. */
  readonly owner = `worker_${randomUUID()}`;
  private readonly timer: NodeJS.Timeout;
  private round: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(private readonly parts: WebhookWorkerParts) {
    this.timer = setInterval(() => this.wake(), parts.retry.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (an alert was just raised here). */
  wake(): void {
    if (this.closed) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.parts.ready
      .then(() => this.deliverDue())
      .catch((error: unknown) => this.parts.failed(error as Error))
      .finally(() => {
        this.round = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops polling and waits for the attempts in flight (each bounded by retry.timeoutMs). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    while (this.round) await this.round;
  }

  private async deliverDue(): Promise<void> {
    const { db, runner, retry } = this.parts;
    for (;;) {
      if (!(await runner.read(() => anyDue(db, Date.now())))) return;
      const claimed = await runner.write(() => claimDeliveries(db, this.owner, Date.now(), retry.leaseMs, CLAIM_BATCH));
      if (claimed.length === 0) return;
      await Promise.all(
        claimed.map(async (claim) => {
          const outcome = await this.attempt(claim);
          await runner.write(() => recordAttempt(db, claim, this.owner, outcome, Date.now(), retry));
        }),
      );
      if (this.closed || claimed.length < CLAIM_BATCH) return;
    }
  }

  private async attempt(claim: ClaimedDelivery): Promise<AttemptOutcome> {
    if (claim.secret === null)
      return { status: null, error: 'The budget has no webhook secret any more.', delivered: false, final: true };
    try {
      if (!this.parts.allowPrivate) {
        const refused = await privateTargetReason(claim.url);
        if (refused) return { status: null, error: refused, delivered: false, final: true };
      }
      const signedAt = new Date();
      // During a rotation's grace period, signed with the old secret too: `v1,<new> v1,<old>` (space-separated
      // signatures, each checked by a Standard Webhooks verifier), so a receiver holding either verifies.
      const signature = [claim.secret, ...(claim.previousSecret ? [claim.previousSecret] : [])]
        .map((secret) => new Webhook(secret).sign(claim.alertId, signedAt, claim.body))
        .join(' ');
      const response = await fetch(claim.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'bytemeter-webhooks',
          'webhook-id': claim.alertId,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: claim.body,
        // A redirect could lead anywhere (past the private-address setting): it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.parts.retry.timeoutMs),
      });
      // The answer's body is not needed; reading it frees the connection.
      await response.body?.cancel().catch(() => {});
      const delivered = response.status >= 200 && response.status < 300;
      return { status: response.status, error: delivered ? null : `HTTP ${response.status}`, delivered };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === 'TimeoutError'
          ? `No answer within ${this.parts.retry.timeoutMs} ms`
          : (e.cause?.message ?? e.message);
      return { status: null, error: why, delivered: false };
    }
  }
}
