// Delivers queued budget webhooks: claims due deliveries (leased), POSTs each body signed per Standard
// Webhooks (the `standardwebhooks` package: webhook-id is the alert id, so receivers dedupe retries),
// records the attempt and schedules the next one with backoff. At least once: a delivery stays pending
// in the database until a 2xx answer, across restarts and processes.

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { Runner } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { WebhookRetry } from '../tracker/options.js';
import { connectionLookup, literalTargetReason, PrivateTargetError, type WebhookLookup } from './webhook-address.js';
import { type AttemptOutcome, anyDue, type ClaimedDelivery, claimDeliveries, recordAttempt } from './webhook-outbox.js';

/** Deliveries claimed per round. */
const CLAIM_BATCH = 16;

export interface WebhookWorkerParts {
  db: Kysely<Database>;
  runner: Runner;
  ready: Promise<void>;
  retry: WebhookRetry;
  /** false: refuse private targets on every delivery (else only on those of budgets that carry the refusal). */
  allowPrivate: boolean;
  /** Resolves a webhook's host name, once per delivery (its answer is what is checked and connected to). */
  lookup: WebhookLookup;
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
    const refusePrivate = !this.parts.allowPrivate || claim.refusePrivate;
    const refused = (reason: string): AttemptOutcome => ({
      status: null,
      error: `Refused: ${reason}, ${
        this.parts.allowPrivate
          ? 'and the budget was set through a process that refuses private webhook targets'
          : 'and this process refuses private webhook targets'
      } (allowPrivateWebhooks / BYTEMETER_WEBHOOK_ALLOW_PRIVATE=false).`,
      delivered: false,
      final: true,
    });
    const timeoutMs = this.parts.retry.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      // A literal IP address is connected to without a lookup: checked here; a name is checked by the lookup.
      const literal = refusePrivate ? literalTargetReason(claim.url) : null;
      if (literal !== null) return refused(literal);
      const signedAt = new Date();
      // During a rotation's grace period, signed with the old secret too: `v1,<new> v1,<old>` (space-separated
      // signatures, each checked by a Standard Webhooks verifier), so a receiver holding either verifies.
      const signature = [claim.secret, ...(claim.previousSecret ? [claim.previousSecret] : [])]
        .map((secret) => new Webhook(secret).sign(claim.alertId, signedAt, claim.body))
        .join(' ');
      const status = await post(
        new URL(claim.url),
        {
          'content-type': 'application/json',
          'user-agent': 'bytemeter-webhooks',
          'webhook-id': claim.alertId,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        claim.body,
        connectionLookup(this.parts.lookup, refusePrivate),
        signal,
      );
      const delivered = status >= 200 && status < 300;
      return { status, error: delivered ? null : `HTTP ${status}`, delivered };
    } catch (error) {
      if (error instanceof PrivateTargetError) return refused(error.message);
      const e = error as Error;
      // Every address of a name failed (IPv6 and IPv4 tried in turn): one AggregateError, often without a message.
      const message =
        e instanceof AggregateError && e.message === '' ? e.errors.map((x: Error) => x.message).join('; ') : e.message;
      const why =
        signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError'
          ? `No answer within ${timeoutMs} ms`
          : message;
      return { status: null, error: why, delivered: false };
    }
  }
}

/**
 * POSTs `body` and answers the response's status once its head arrives (the body is not read). One connection
 * of its own (no pool: a pooled socket could have been connected for a delivery that allowed a private
 * target), made to an address `lookup` answered; the DNS lookup, the connection and the wait for the answer
 * all fall under `signal`. Redirects are not followed: a 3xx is the answer (a failed attempt), so a receiver
 * cannot send the delivery on past the check.
 */
function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  lookup: LookupFunction,
  signal: AbortSignal,
): Promise<number> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new Error(`Not an http(s) URL: ${url.protocol}`));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        lookup,
        signal,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
