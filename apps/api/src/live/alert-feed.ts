import type { BudgetAlert, ResourceTracker } from '@bytemeter/tracker';
import { alertSource } from './alert-source.js';
import type { SharedTicker } from './shared-ticker.js';

/** Alert ids remembered for de-duplication: an alert reaches a process at most twice (push, then poll). */
const REMEMBERED = 2048;

/**
 * Every budget alert, once, for every subscriber of this process. Two inputs feed it while anyone listens:
 * this process's own alerts, pushed by the tracker at once (onBudgetAlert), and the database poller, which
 * brings the alerts of every other process within ALERT_POLL_MS. An alert arriving by both is passed on once.
 */
export class AlertFeed {
  static readonly KEY = 'budget-alerts';
  private readonly listeners = new Set<(alert: BudgetAlert) => void>();
  private readonly seen = new Set<string>();
  private stop: (() => void) | undefined;

  constructor(
    private readonly tracker: ResourceTracker,
    private readonly ticker: SharedTicker,
  ) {}

  /**
   * Calls `listener` with each new alert until the returned function is called.
   * @example const stop = feed.listen((alert) => console.log(alert.budgetName, alert.threshold))
   */
  listen(listener: (alert: BudgetAlert) => void): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stop?.();
        this.stop = undefined;
      }
    };
  }

  private start() {
    const deliver = (alert: BudgetAlert) => this.deliver(alert);
    const unpush = this.tracker.onBudgetAlert(deliver);
    const unpoll = this.ticker.listen(
      AlertFeed.KEY,
      () => alertSource(this.tracker),
      (alerts: BudgetAlert[]) => {
        for (const alert of alerts) deliver(alert);
      },
    );
    this.stop = () => {
      unpush();
      unpoll();
    };
  }

  private deliver(alert: BudgetAlert) {
    const id = String(alert.id);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
    for (const listener of this.listeners) listener(alert);
  }
}
