import { describe, expect, it } from 'vitest';
import { groupOperations } from '../src/lib/operations';
import type { UsageEvent } from '../src/lib/types';

let n = 0;
function event(part: Partial<UsageEvent> & Pick<UsageEvent, 'resourceType' | 'amount'>): UsageEvent {
  n++;
  return {
    id: `e${n}`,
    timestamp: new Date(Date.UTC(2026, 11, 3, 10, 0, n)).toISOString(),
    backend: 'b',
    backendType: 'S3',
    formattedAmount: String(part.amount),
    operationId: null,
    path: null,
    success: true,
    durationMs: null,
    metadata: null,
    reportedLevel: null,
    ...part,
  } as UsageEvent;
}

describe('groupOperations', () => {
  it('one row per operation id, newest first, summed per resource; a failed call fails its bytes too', () => {
    const put = [
      event({ operationId: 'p', resourceType: 'BANDWIDTH_UPLOAD', amount: 100, durationMs: 12, path: 'a' }),
      event({ operationId: 'p', resourceType: 'STORAGE_USED', amount: 100, durationMs: 12, path: 'a' }),
      event({
        operationId: 'p',
        resourceType: 'API_CALLS',
        amount: 1,
        durationMs: 12,
        metadata: { command: 'PutObject' },
      }),
    ];
    const get = [
      event({ operationId: 'g', resourceType: 'BANDWIDTH_DOWNLOAD', amount: 40, durationMs: 30 }),
      event({
        operationId: 'g',
        resourceType: 'API_CALLS',
        amount: 1,
        durationMs: 30,
        success: false,
        metadata: { method: 'GET', status: 200, error: 'AbortError' },
      }),
    ];
    const lone = event({ resourceType: 'BANDWIDTH_UPLOAD', amount: 5 });
    // As the API pages them: newest first.
    const rows = groupOperations([...put, ...get, lone].reverse());
    expect(
      rows.map((r) => [r.key, r.name, r.up, r.down, r.stored, r.calls, r.success, r.reason, r.durationMs]),
    ).toEqual([
      [`event:${lone.id}`, 'bandwidth_upload', 5, 0, 0, 0, true, null, null],
      ['g', 'GET', 0, 40, 0, 1, false, 'AbortError', 30],
      ['p', 'PutObject', 100, 0, 100, 1, true, null, 12],
    ]);
    expect(rows[2]!.parts.map((e) => e.id)).toEqual(put.map((e) => e.id));
    expect(rows[2]!.path).toBe('a');
    expect(rows[1]!.timestamp).toBe(get[1]!.timestamp);
  });

  it('names an operation from metadata.operation first, and says an HTTP status when there is no error', () => {
    const rows = groupOperations([
      event({
        operationId: 'x',
        resourceType: 'API_CALLS',
        amount: 1,
        success: false,
        metadata: { method: 'GET', status: 404 },
      }),
      event({
        operationId: 'y',
        resourceType: 'API_CALLS',
        amount: 1,
        metadata: { operation: 'readFile', method: 'GET' },
      }),
    ]);
    expect(rows.map((r) => [r.name, r.reason])).toEqual([
      ['GET', 'HTTP 404'],
      ['readFile', null],
    ]);
  });
});
