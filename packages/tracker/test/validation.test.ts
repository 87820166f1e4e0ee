import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BytemeterErrorCode,
  openResourceTracker,
  type ResourceTracker,
  type TrackerOptions,
  ValidationError,
} from '../src/index.js';
import { describeEachDialect, newStore, type StoreOptions, snapshotStore } from './support/stores.js';
import { tempDbPaths } from './support/temp-db.js';

// Every kind of bad input DESIGN.md names gets a ValidationError with its code, at once, and leaves the
// database exactly as it was.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const dbPath = tempDbPaths('validation');

// Values a JavaScript caller can pass whatever the types say.
const bad = <T>(v: unknown) => v as T;

type Case = [name: string, code: BytemeterErrorCode, act: (t: ResourceTracker) => unknown];

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

const RECORDING: Case[] = [
  ['negative upload bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', -1)],
  ['fractional upload bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', 1.5)],
  ['NaN upload bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', Number.NaN)],
  ['Infinity upload bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', Number.POSITIVE_INFINITY)],
  ['upload bytes of 2^53', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', 2 ** 53)],
  ['upload bytes as a string', 'INVALID_AMOUNT', (t) => t.trackBandwidthUpload('b', 's3', bad('5'))],
  ['negative download bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthDownload('b', 's3', -5)],
  ['-Infinity download bytes', 'INVALID_AMOUNT', (t) => t.trackBandwidthDownload('b', 's3', Number.NEGATIVE_INFINITY)],
  ['fractional storage delta', 'INVALID_AMOUNT', (t) => t.trackStorageUsage('b', 's3', -0.5)],
  ['storage delta past -2^53', 'INVALID_AMOUNT', (t) => t.trackStorageUsage('b', 's3', -(2 ** 53) - 2)],
  ['NaN storage delta', 'INVALID_AMOUNT', (t) => t.trackStorageUsage('b', 's3', Number.NaN)],
  ['negative storage level', 'INVALID_AMOUNT', (t) => t.setStorageLevel('b', 's3', -1)],
  ['fractional storage level', 'INVALID_AMOUNT', (t) => t.setStorageLevel('b', 's3', 10.25)],
  ['negative cost', 'INVALID_AMOUNT', (t) => t.trackCost('b', 's3', -1)],
  ['NaN cost', 'INVALID_AMOUNT', (t) => t.trackCost('b', 's3', Number.NaN)],
  ['cost finer than a micro-dollar', 'INVALID_AMOUNT', (t) => t.trackCost('b', 's3', 0.00001)],
  ['cost past 2^53 micros', 'INVALID_AMOUNT', (t) => t.trackCost('b', 's3', 1e13)],
  [
    'generic amount past 2^53',
    'INVALID_AMOUNT',
    (t) => t.trackResourceUsage({ backend: 'b', backendType: 's3', resourceType: 'api_calls', amount: 2 ** 53 + 2 }),
  ],
  [
    'generic negative upload',
    'INVALID_AMOUNT',
    (t) => t.trackResourceUsage({ backend: 'b', backendType: 's3', resourceType: 'bandwidth_upload', amount: -3 }),
  ],
  [
    'unknown resource type',
    'INVALID_RESOURCE_TYPE',
    (t) => t.trackResourceUsage({ backend: 'b', backendType: 's3', resourceType: bad('bandwidth'), amount: 1 }),
  ],
  ['no event object', 'INVALID_OPTION', (t) => t.trackResourceUsage(bad(null))],
  ['unknown backend type', 'INVALID_BACKEND_TYPE', (t) => t.trackBandwidthUpload('b', bad('gcs'), 1)],
  ['backend type in the wrong case', 'INVALID_BACKEND_TYPE', (t) => t.trackApiCall('b', bad('S3'))],
  ['missing backend type', 'INVALID_BACKEND_TYPE', (t) => t.trackApiCall('b', bad(undefined))],
  ['empty backend name', 'INVALID_BACKEND_NAME', (t) => t.trackApiCall('', 's3')],
  ['backend name with spaces around', 'INVALID_BACKEND_NAME', (t) => t.trackApiCall(' b', 's3')],
  ['backend name too long', 'INVALID_BACKEND_NAME', (t) => t.trackApiCall('x'.repeat(257), 's3')],
  ['backend name not a string', 'INVALID_BACKEND_NAME', (t) => t.trackApiCall(bad(42), 's3')],
  ['invalid Date', 'INVALID_TIMESTAMP', (t) => t.trackApiCall('b', 's3', { timestamp: new Date('nope') })],
  ['NaN timestamp', 'INVALID_TIMESTAMP', (t) => t.trackApiCall('b', 's3', { timestamp: Number.NaN })],
  [
    'Infinity timestamp',
    'INVALID_TIMESTAMP',
    (t) => t.trackApiCall('b', 's3', { timestamp: Number.POSITIVE_INFINITY }),
  ],
  ['timestamp as a string', 'INVALID_TIMESTAMP', (t) => t.trackApiCall('b', 's3', { timestamp: bad('2026-06-01') })],
  [
    'timestamp before 2000',
    'INVALID_TIMESTAMP',
    (t) => t.trackApiCall('b', 's3', { timestamp: Date.UTC(1999, 11, 31) }),
  ],
  ['timestamp two days ahead', 'INVALID_TIMESTAMP', (t) => t.trackApiCall('b', 's3', { timestamp: NOW + 2 * DAY })],
  ['options not an object', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', bad(null))],
  ['success not a boolean', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { success: bad('yes') })],
  ['negative duration', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { durationMs: -1 })],
  ['NaN duration', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { durationMs: Number.NaN })],
  ['empty id', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { id: '' })],
  ['id too long', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { id: 'i'.repeat(257) })],
  ['id not a string', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { id: bad(7) })],
  ['empty path', 'INVALID_OPTION', (t) => t.trackBandwidthUpload('b', 's3', 1, { path: '' })],
  ['path too long', 'INVALID_OPTION', (t) => t.trackBandwidthUpload('b', 's3', 1, { path: 'p'.repeat(4097) })],
  ['operationId not a string', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { operationId: bad(5) })],
  ['metadata an array', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { metadata: bad([1, 2]) })],
  ['metadata a string', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { metadata: bad('x') })],
  ['metadata circular', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { metadata: circular })],
  ['metadata with a BigInt', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { metadata: { n: 1n } })],
  ['oversize metadata', 'INVALID_OPTION', (t) => t.trackApiCall('b', 's3', { metadata: { blob: 'm'.repeat(17_000) } })],
];

const from = new Date(NOW - DAY);
const to = new Date(NOW);

const READING: Case[] = [
  ['unknown time zone', 'INVALID_TIMEZONE', (t) => t.getResourceSummary({ timezone: 'Mars/Olympus_Mons' })],
  ['empty time zone', 'INVALID_TIMEZONE', (t) => t.getResourceSummary({ timezone: '' })],
  ['time zone with a space', 'INVALID_TIMEZONE', (t) => t.getResourceSummary({ timezone: 'Asia/Kolkata ' })],
  ['time zone not a string', 'INVALID_TIMEZONE', (t) => t.getResourceSummary({ timezone: bad(5) })],
  ['unknown period', 'INVALID_PERIOD', (t) => t.getResourceSummary({ period: bad('year') })],
  ['summary: unknown backend type', 'INVALID_BACKEND_TYPE', (t) => t.getResourceSummary({ backendType: bad('gcs') })],
  ['summary: from without to', 'INVALID_RANGE', (t) => t.getResourceSummary({ from })],
  ['summary: reversed range', 'INVALID_RANGE', (t) => t.getResourceSummary({ from: to, to: from })],
  ['summary: empty range', 'INVALID_RANGE', (t) => t.getResourceSummary({ from, to: from })],
  ['summary: invalid Date', 'INVALID_RANGE', (t) => t.getResourceSummary({ from: new Date('x'), to })],
  ['summary: from as a string', 'INVALID_RANGE', (t) => t.getResourceSummary({ from: bad('2026-05-01'), to })],
  ['summary: at as a number', 'INVALID_RANGE', (t) => t.getResourceSummary({ at: bad(NOW) })],
  ['summary: invalid at', 'INVALID_RANGE', (t) => t.getResourceSummary({ at: new Date(Number.NaN) })],
  [
    'summary: 25 years',
    'RANGE_TOO_LARGE',
    (t) => t.getResourceSummary({ from: new Date(Date.UTC(2001, 0, 1)), to: new Date(Date.UTC(2026, 0, 1)) }),
  ],
  [
    'summary: starting in 1900',
    'INVALID_RANGE',
    (t) => t.getResourceSummary({ from: new Date(Date.UTC(1900, 0, 1)), to: new Date(Date.UTC(1900, 0, 2)) }),
  ],
  ['usage: limit 0', 'INVALID_OPTION', (t) => t.getResourceUsage({ limit: 0 })],
  ['usage: negative limit', 'INVALID_OPTION', (t) => t.getResourceUsage({ limit: -1 })],
  ['usage: fractional limit', 'INVALID_OPTION', (t) => t.getResourceUsage({ limit: 1.5 })],
  ['usage: limit past the page maximum', 'INVALID_OPTION', (t) => t.getResourceUsage({ limit: 1001 })],
  ['usage: NaN limit', 'INVALID_OPTION', (t) => t.getResourceUsage({ limit: Number.NaN })],
  ['usage: garbage cursor', 'INVALID_CURSOR', (t) => t.getResourceUsage({ cursor: 'not a cursor!' })],
  ['usage: empty cursor', 'INVALID_CURSOR', (t) => t.getResourceUsage({ cursor: '' })],
  [
    'usage: well-formed base64 of something else',
    'INVALID_CURSOR',
    (t) => t.getResourceUsage({ cursor: Buffer.from('12:abc').toString('base64url') }),
  ],
  [
    'usage: cursor whose clock reading is not a number',
    'INVALID_CURSOR',
    (t) => t.getResourceUsage({ cursor: Buffer.from('12:3:x').toString('base64url') }),
  ],
  [
    'usage: cursor whose clock reading puts the range before 1980',
    'INVALID_RANGE',
    (t) => t.getResourceUsage({ hoursBack: 24, before: Buffer.from('12:3:5').toString('base64url') }),
  ],
  [
    'usage: cursor whose clock reading is past any Date (not one this API handed out)',
    'INVALID_CURSOR',
    (t) => t.getResourceUsage({ hoursBack: 24, cursor: Buffer.from('12:3:9007199254740991').toString('base64url') }),
  ],
  ['usage: hoursBack 0', 'INVALID_RANGE', (t) => t.getResourceUsage({ hoursBack: 0 })],
  ['usage: negative hoursBack', 'INVALID_RANGE', (t) => t.getResourceUsage({ hoursBack: -24 })],
  ['usage: NaN hoursBack', 'INVALID_RANGE', (t) => t.getResourceUsage({ hoursBack: Number.NaN })],
  ['usage: absurd hoursBack', 'INVALID_RANGE', (t) => t.getResourceUsage({ hoursBack: 1e9 })],
  ['usage: to without from', 'INVALID_RANGE', (t) => t.getResourceUsage({ to })],
  ['usage: reversed range', 'INVALID_RANGE', (t) => t.getResourceUsage({ from: to, to: from })],
  ['usage: unknown resource type', 'INVALID_RESOURCE_TYPE', (t) => t.getResourceUsage({ resourceType: bad('disk') })],
  ['usage: unknown backend type', 'INVALID_BACKEND_TYPE', (t) => t.getResourceUsage({ backendType: bad('gcs') })],
  [
    'series: unknown granularity',
    'INVALID_PERIOD',
    (t) => t.getTimeSeries({ resourceType: 'api_calls', granularity: bad('second'), from, to }),
  ],
  [
    'series: unknown resource type',
    'INVALID_RESOURCE_TYPE',
    (t) => t.getTimeSeries({ resourceType: bad('calls'), granularity: 'hour', from, to }),
  ],
  [
    'series: bad time zone',
    'INVALID_TIMEZONE',
    (t) => t.getTimeSeries({ resourceType: 'api_calls', granularity: 'hour', from, to, timezone: 'Nowhere/Land' }),
  ],
  [
    'series: reversed range',
    'INVALID_RANGE',
    (t) => t.getTimeSeries({ resourceType: 'api_calls', granularity: 'hour', from: to, to: from }),
  ],
  [
    'series: missing from',
    'INVALID_RANGE',
    (t) => t.getTimeSeries({ resourceType: 'api_calls', granularity: 'hour', from: bad(undefined), to }),
  ],
  [
    'series: a minute series over a month',
    'RANGE_TOO_LARGE',
    (t) => t.getTimeSeries({ resourceType: 'api_calls', granularity: 'minute', from: new Date(NOW - 30 * DAY), to }),
  ],
  ['series: no query', 'INVALID_OPTION', (t) => t.getTimeSeries(bad(null))],
  ['export: unknown format', 'INVALID_FORMAT', (t) => t.exportUsage({ format: bad('xml') })],
  ['export: reversed range', 'INVALID_RANGE', (t) => t.exportUsage({ format: 'csv', from: to, to: from })],
  ['export: negative hoursBack', 'INVALID_RANGE', (t) => t.exportUsage({ format: 'json', hoursBack: -1 })],
  ['status: bad backend name', 'INVALID_BACKEND_NAME', (t) => t.getBackendStatus(' padded ')],
];

/** Runs an action that may throw, reject, or fail while being iterated, and returns what it threw. */
async function failureOf(act: () => unknown): Promise<unknown> {
  try {
    const result = act();
    if (result instanceof Promise) await result;
    else if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _chunk of result as AsyncIterable<string>) {
        // draining is enough
      }
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

describeEachDialect('bad input', () => {
  let store: StoreOptions;
  let tracker: ResourceTracker;

  beforeAll(async () => {
    store = await newStore('bad-input');
    tracker = openResourceTracker({ ...store, clock: () => NOW, flushOnExit: false });
    tracker.trackBandwidthUpload('b', 's3', 100, { timestamp: NOW - HOUR, id: 'seed-1' });
    tracker.trackStorageUsage('b', 's3', 1000, { timestamp: NOW - HOUR });
    tracker.trackApiCall('other', 'ipfs', { timestamp: NOW - 2 * HOUR, success: false });
    await tracker.flush();
  });
  afterAll(() => tracker.close());

  for (const [name, code, act] of [...RECORDING, ...READING]) {
    it(`${name} → ${code}, database unchanged`, async () => {
      const before = await snapshotStore(store);
      const error = await failureOf(() => act(tracker));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe(code);
      expect((error as ValidationError).message.length).toBeGreaterThan(10);
      expect(tracker.pendingCount).toBe(0);
      expect(await tracker.flush()).toEqual({ written: 0, duplicates: 0 });
      expect(await snapshotStore(store)).toBe(before);
    });
  }

  it('the tracker still records and reads correctly after all of it', async () => {
    tracker.trackBandwidthUpload('b', 's3', 5, { timestamp: NOW - 60_000 });
    const s = await tracker.getResourceSummary({ period: 'day', at: new Date(NOW - HOUR) });
    expect(s.backends.b?.resources.bandwidth_upload).toMatchObject({ totalAmount: 105, operationCount: 2 });
    expect((await tracker.getBackendStatus('b')).b?.currentStorageUsageBytes).toBe(1000);
  });
});

describe('bad tracker options', () => {
  const OPTIONS: [string, TrackerOptions][] = [
    ['unknown mode', { mode: bad('fast') }],
    ['zero flush interval', { flushIntervalMs: 0 }],
    ['negative batch size', { maxBatchSize: -1 }],
    ['NaN raw retention', { rawRetentionMs: Number.NaN }],
    ['zero minute retention', { minuteRetentionMs: 0 }],
    ['negative busy timeout', { busyTimeoutMs: -5 }],
  ];
  for (const [name, options] of OPTIONS) {
    it(`${name} → INVALID_OPTION, and no file is created`, () => {
      const path = dbPath('never-created.db');
      let error: unknown;
      try {
        openResourceTracker({ path, flushOnExit: false, ...options });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('INVALID_OPTION');
      expect(existsSync(path)).toBe(false);
    });
  }
});
