import { describe, expect, it } from 'vitest';
import { deliveryText } from '../src/lib/webhook-delivery';

const at = '2026-12-03T10:00:00.000Z';

describe('webhook delivery in the alert history', () => {
  it('says none, delivered after how many attempts, or why it is still retried', () => {
    expect(deliveryText([])).toBe('—');
    expect(deliveryText([{ attempt: 1, at, status: 204, error: null, delivered: true }])).toBe('delivered (1 attempt)');
    const failing = [
      { attempt: 1, at, status: 503, error: null, delivered: false },
      { attempt: 2, at, status: null, error: 'connect ECONNREFUSED', delivered: false },
    ];
    expect(deliveryText(failing)).toBe('retrying: connect ECONNREFUSED (2 attempts)');
    expect(deliveryText(failing.slice(0, 1))).toBe('retrying: HTTP 503 (1 attempt)');
    expect(deliveryText([...failing, { attempt: 3, at, status: 200, error: null, delivered: true }])).toBe(
      'delivered (3 attempts)',
    );
  });
});
