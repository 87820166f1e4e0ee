import type { BudgetAlertRecord } from '@bytemeter/client';

/**
 * Where an alert's webhook delivery stands: none, delivered, or still being retried and why.
 * @example deliveryText([{ attempt: 1, at, status: 500, error: 'HTTP 500', delivered: false }]) // 'retrying: HTTP 500 (1 attempt)'
 */
export function deliveryText(attempts: BudgetAlertRecord['webhookAttempts']): string {
  const last = attempts.at(-1);
  if (!last) return '—';
  const tries = `${attempts.length} attempt${attempts.length === 1 ? '' : 's'}`;
  if (last.delivered) return `delivered (${tries})`;
  return `retrying: ${last.error ?? `HTTP ${last.status}`} (${tries})`;
}
