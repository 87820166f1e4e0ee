import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteTracker, type RemoteTracker } from '@bytemeter/client';
import { type BytemeterErrorCode, TotalLimitError, type UsageRecorder, ValidationError } from '@bytemeter/core';
import { openResourceTracker, type ResourceTracker } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One table of events, run against the local tracker and the remote tracker: each must accept or refuse
// every case alike, with the same error code. Both apply @bytemeter/core's rules; this pins that neither
// grows a rule of its own.

const DAY = 86_400_000;
const now = Date.now();
const long = (n: number) => 'x'.repeat(n);

type Case = [name: string, record: (r: UsageRecorder, backend: string) => void, expected: 'ok' | BytemeterErrorCode];

const CASES: Case[] = [
  // amounts
  ['upload 0 bytes', (r, b) => r.trackBandwidthUpload(b, 's3', 0), 'ok'],
  ['upload 1 byte', (r, b) => r.trackBandwidthUpload(b, 's3', 1), 'ok'],
  ['upload 2^53-1 bytes', (r, b) => r.trackBandwidthUpload(b, 's3', Number.MAX_SAFE_INTEGER), 'ok'],
  ['upload 2^53 bytes', (r, b) => r.trackBandwidthUpload(b, 's3', 2 ** 53), 'INVALID_AMOUNT'],
  ['upload -1 bytes', (r, b) => r.trackBandwidthUpload(b, 's3', -1), 'INVALID_AMOUNT'],
  ['upload 1.5 bytes', (r, b) => r.trackBandwidthUpload(b, 's3', 1.5), 'INVALID_AMOUNT'],
  ['upload NaN', (r, b) => r.trackBandwidthUpload(b, 's3', Number.NaN), 'INVALID_AMOUNT'],
  ['upload Infinity', (r, b) => r.trackBandwidthUpload(b, 's3', Number.POSITIVE_INFINITY), 'INVALID_AMOUNT'],
  ['upload a string', (r, b) => r.trackBandwidthUpload(b, 's3', '5' as never), 'INVALID_AMOUNT'],
  ['download 4 GiB', (r, b) => r.trackBandwidthDownload(b, 'ipfs', 4 * 1024 ** 3), 'ok'],
  ['download -5', (r, b) => r.trackBandwidthDownload(b, 'ipfs', -5), 'INVALID_AMOUNT'],
  ['storage delta +100', (r, b) => r.trackStorageUsage(b, 'local', 100), 'ok'],
  ['storage delta 0.5', (r, b) => r.trackStorageUsage(b, 'local', 0.5), 'INVALID_AMOUNT'],
  ['storage level 0', (r, b) => r.setStorageLevel(b, 'filecoin', 0), 'ok'],
  ['storage level -1', (r, b) => r.setStorageLevel(b, 'filecoin', -1), 'INVALID_AMOUNT'],
  ['storage level 1.25', (r, b) => r.setStorageLevel(b, 'filecoin', 1.25), 'INVALID_AMOUNT'],
  ['api call', (r, b) => r.trackApiCall(b, 'storacha'), 'ok'],
  ['cost 5 cents', (r, b) => r.trackCost(b, 'lassie', 5), 'ok'],
  ['cost 0.0001 cents (one micro-dollar)', (r, b) => r.trackCost(b, 'lassie', 0.0001), 'ok'],
  ['cost 0.00001 cents', (r, b) => r.trackCost(b, 'lassie', 0.00001), 'INVALID_AMOUNT'],
  ['cost -1 cent', (r, b) => r.trackCost(b, 'lassie', -1), 'INVALID_AMOUNT'],
  ['cost NaN', (r, b) => r.trackCost(b, 'lassie', Number.NaN), 'INVALID_AMOUNT'],
  // names and types
  ['backend of 256 characters', (r) => r.trackApiCall(long(256), 's3'), 'ok'],
  ['backend of 257 characters', (r) => r.trackApiCall(long(257), 's3'), 'INVALID_BACKEND_NAME'],
  ['empty backend', (r) => r.trackApiCall('', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with a leading space', (r) => r.trackApiCall(' b', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with a trailing newline', (r) => r.trackApiCall('b\n', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with NUL', (r) => r.trackApiCall('a\u0000b', 's3'), 'INVALID_BACKEND_NAME'],
  [
    'backend with ESC (terminal injection)',
    (r) => r.trackApiCall('\u001b]0;pwned\u0007', 's3'),
    'INVALID_BACKEND_NAME',
  ],
  ['backend with a C1 control', (r) => r.trackApiCall('a\u009bb', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with a lone high surrogate', (r) => r.trackApiCall('a\ud800b', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with a lone low surrogate', (r) => r.trackApiCall('a\udc00', 's3'), 'INVALID_BACKEND_NAME'],
  ['backend with an emoji (a surrogate pair)', (r, b) => r.trackApiCall(`${b}-📦`, 's3'), 'ok'],
  ['backend with accents and CJK', (r, b) => r.trackApiCall(`${b}-bücher-書`, 's3'), 'ok'],
  ['backend not a string', (r) => r.trackApiCall(42 as never, 's3'), 'INVALID_BACKEND_NAME'],
  ['unknown backend type', (r, b) => r.trackApiCall(b, 'dropbox' as never), 'INVALID_BACKEND_TYPE'],
  ['upper-case backend type', (r, b) => r.trackApiCall(b, 'S3' as never), 'INVALID_BACKEND_TYPE'],
  [
    'unknown resource type',
    (r, b) => r.trackResourceUsage({ backend: b, backendType: 's3', resourceType: 'x' as never, amount: 1 }),
    'INVALID_RESOURCE_TYPE',
  ],
  [
    'trackResourceUsage api_calls 3',
    (r, b) => r.trackResourceUsage({ backend: b, backendType: 's3', resourceType: 'api_calls', amount: 3 }),
    'ok',
  ],
  [
    'trackResourceUsage negative storage delta',
    (r, b) => {
      r.trackStorageUsage(b, 's3', 10);
      r.trackResourceUsage({ backend: b, backendType: 's3', resourceType: 'storage_used', amount: -10 });
    },
    'ok',
  ],
  [
    'a backend used with a second type',
    (r, b) => {
      r.trackApiCall(b, 's3');
      r.trackApiCall(b, 'ipfs');
    },
    'BACKEND_TYPE_CONFLICT',
  ],
  // options
  ['path of 4096 characters', (r, b) => r.trackApiCall(b, 's3', { path: long(4096) }), 'ok'],
  ['path of 4097 characters', (r, b) => r.trackApiCall(b, 's3', { path: long(4097) }), 'INVALID_OPTION'],
  ['empty path', (r, b) => r.trackApiCall(b, 's3', { path: '' }), 'INVALID_OPTION'],
  ['path with a newline', (r, b) => r.trackApiCall(b, 's3', { path: 'a\nb' }), 'INVALID_OPTION'],
  ['path with a lone surrogate', (r, b) => r.trackApiCall(b, 's3', { path: 'a\udfffb' }), 'INVALID_OPTION'],
  ['operationId with BEL', (r, b) => r.trackApiCall(b, 's3', { operationId: 'op\u0007' }), 'INVALID_OPTION'],
  ['id of 257 characters', (r, b) => r.trackApiCall(b, 's3', { id: long(257) }), 'INVALID_OPTION'],
  ['metadata object', (r, b) => r.trackApiCall(b, 's3', { metadata: { k: 1, nested: { a: 'x\ny' } } }), 'ok'],
  ['metadata array', (r, b) => r.trackApiCall(b, 's3', { metadata: [] as never }), 'INVALID_OPTION'],
  ['metadata key with ESC', (r, b) => r.trackApiCall(b, 's3', { metadata: { '\u001b[2J': 1 } }), 'INVALID_OPTION'],
  [
    'nested metadata key with a lone surrogate',
    (r, b) => r.trackApiCall(b, 's3', { metadata: { outer: { '\ud83d': 1 } } }),
    'INVALID_OPTION',
  ],
  ['metadata over 16 KiB', (r, b) => r.trackApiCall(b, 's3', { metadata: { s: long(16 * 1024) } }), 'INVALID_OPTION'],
  [
    'metadata with a cycle',
    (r, b) => {
      const m: Record<string, unknown> = {};
      m.self = m;
      r.trackApiCall(b, 's3', { metadata: m });
    },
    'INVALID_OPTION',
  ],
  ['success false', (r, b) => r.trackApiCall(b, 's3', { success: false }), 'ok'],
  ['success "yes"', (r, b) => r.trackApiCall(b, 's3', { success: 'yes' as never }), 'INVALID_OPTION'],
  ['durationMs 12', (r, b) => r.trackApiCall(b, 's3', { durationMs: 12 }), 'ok'],
  ['fractional durationMs (performance.now())', (r, b) => r.trackApiCall(b, 's3', { durationMs: 12.75 }), 'ok'],
  ['durationMs -1', (r, b) => r.trackApiCall(b, 's3', { durationMs: -1 }), 'INVALID_OPTION'],
  ['durationMs NaN', (r, b) => r.trackApiCall(b, 's3', { durationMs: Number.NaN }), 'INVALID_OPTION'],
  ['durationMs past 2^31', (r, b) => r.trackApiCall(b, 's3', { durationMs: 2 ** 31 + 1 }), 'INVALID_OPTION'],
  ['options not an object', (r, b) => r.trackApiCall(b, 's3', 'x' as never), 'INVALID_OPTION'],
  // time stamps
  ['timestamp a day ago', (r, b) => r.trackApiCall(b, 's3', { timestamp: now - DAY }), 'ok'],
  ['timestamp as a Date', (r, b) => r.trackApiCall(b, 's3', { timestamp: new Date(now - 1000) }), 'ok'],
  ['timestamp 2000-01-01', (r, b) => r.trackApiCall(b, 's3', { timestamp: Date.UTC(2000, 0, 1) }), 'ok'],
  ['timestamp in 1999', (r, b) => r.trackApiCall(b, 's3', { timestamp: Date.UTC(1999, 11, 31) }), 'INVALID_TIMESTAMP'],
  ['timestamp 23 hours ahead', (r, b) => r.trackApiCall(b, 's3', { timestamp: now + 23 * 3_600_000 }), 'ok'],
  ['timestamp two days ahead', (r, b) => r.trackApiCall(b, 's3', { timestamp: now + 2 * DAY }), 'INVALID_TIMESTAMP'],
  ['timestamp NaN', (r, b) => r.trackApiCall(b, 's3', { timestamp: Number.NaN }), 'INVALID_TIMESTAMP'],
  ['invalid Date', (r, b) => r.trackApiCall(b, 's3', { timestamp: new Date('nope') }), 'INVALID_TIMESTAMP'],
];

/** What a recorder did with one case: 'ok' and how many events it buffered, or the code it threw. */
function outcome(recorder: UsageRecorder, pending: () => number, record: Case[1], backend: string) {
  const before = pending();
  try {
    record(recorder, backend);
    return { result: 'ok', buffered: pending() - before };
  } catch (error) {
    // Whatever either throws for bad input is core's ValidationError or another BytemeterError with a code.
    return { result: (error as { code?: string }).code ?? String(error), buffered: pending() - before };
  }
}

let dir: string;
let local: ResourceTracker;
let remote: RemoteTracker;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bytemeter-rules-'));
  local = openResourceTracker({ path: join(dir, 'usage.db'), flushOnExit: false, flushIntervalMs: 3_600_000 });
  // Never reached: recording validates synchronously, and nothing is flushed before close.
  remote = createRemoteTracker({ url: 'http://127.0.0.1:9', flushIntervalMs: 3_600_000 });
});

afterAll(async () => {
  // The cases buffer events that are each valid but together pass 2^53 − 1 on one total (a maximal amount
  // beside others): close() writes the rest and rejects with that refusal, which is not what this file tests.
  await local.close().catch((error: unknown) => {
    if (!(error instanceof TotalLimitError)) throw error;
  });
  await remote.close({ timeoutMs: 1 });
  rmSync(dir, { recursive: true, force: true });
});

describe('the local and the remote tracker apply the same event rules', () => {
  it('has a table of about sixty cases, both kinds', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(CASES.filter((c) => c[2] === 'ok').length).toBeGreaterThan(20);
    expect(CASES.filter((c) => c[2] !== 'ok').length).toBeGreaterThan(30);
  });

  it.each(CASES.map((c, i) => [i, ...c] as const))('#%i %s', (i, _name, record, expected) => {
    const backend = `case-${i}`;
    const l = outcome(local, () => local.pendingCount, record, backend);
    const r = outcome(remote, () => remote.pendingCount, record, backend);
    expect(l.result).toBe(expected);
    expect(r.result).toBe(expected);
    // A refused call buffers nothing in either; an accepted one buffers the same number of events.
    expect(r.buffered).toBe(l.buffered);
    if (expected !== 'ok' && expected !== 'BACKEND_TYPE_CONFLICT') expect(l.buffered).toBe(0);
  });

  it('the client refuses with core ValidationError, so one catch serves both trackers', () => {
    expect(() => remote.trackApiCall('x\u0000', 's3')).toThrow(ValidationError);
    expect(() => local.trackApiCall('x\u0000', 's3')).toThrow(ValidationError);
  });
});
