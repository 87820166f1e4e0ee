import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { checkEvent, type TrackOptions } from '@bytemeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BytemeterClient,
  createBytemeterClient,
  createRemoteTracker,
  type UsageEventInput,
} from '../src/index.js';
import { eventJson, isoTime, jsonString } from '../src/tracker/event-json.js';
import { trackUsageBody, trackUsageOverhead } from '../src/transport/track-usage-body.js';

// The remote tracker writes each event's JSON text itself (and a batch's body from those texts) instead of
// JSON.stringify-ing objects: the text must mean exactly what the objects did, and reach the API intact.

const NOW = 1_800_000_000_123;

/** The UsageEventInput the SDK sent before it wrote the text itself, built the way it was then. */
function asObject(e: ReturnType<typeof checkEvent>, id: string): UsageEventInput {
  return {
    id,
    timestamp: new Date(e.ts).toISOString(),
    backend: e.backend,
    backendType: e.backendType.toUpperCase() as never,
    resourceType: e.resourceType.toUpperCase() as never,
    amount: e.amount,
    ...(e.operationId !== null ? { operationId: e.operationId } : {}),
    ...(e.path !== null ? { path: e.path } : {}),
    success: e.success,
    ...(e.durationMs !== null ? { durationMs: e.durationMs } : {}),
    ...(e.metadata !== null ? { metadata: JSON.parse(e.metadata) as Record<string, unknown> } : {}),
    ...(e.apiClass !== null ? { apiClass: e.apiClass.toUpperCase() as never } : {}),
  };
}

const cases: [string, string, TrackOptions | undefined][] = [
  ['plain', 'photos', undefined],
  ['quotes and backslashes', 'a "b" \\ c', { path: 'dir\\"x"/y', operationId: 'op "1"' }],
  ['non-ASCII', 'fotos-übersicht', { path: '写真/猫.jpg', metadata: { émoji: '🐱', n: 1.5, deep: { a: [1, 'ß'] } } }],
  ['every option', 'b', { id: 'my-own-id-ü', success: false, durationMs: 12.4, timestamp: NOW - 5, apiClass: 'b' }],
];

describe('event JSON', () => {
  it.each(cases)('means what JSON.stringify of the event object meant (%s), in printable ASCII', (_, backend, opts) => {
    const resource = opts?.apiClass ? 'api_calls' : 'bandwidth_upload';
    const e = checkEvent(backend, 's3', resource, 42, opts, NOW);
    const id = e.key ?? '0193a6f0-2b1c-7d3e-8f00-5a6b7c8d9e0f';
    const json = eventJson(e, id, jsonString(backend));
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(json)).toEqual(asObject(e, id));
    // The same fields in the same order, so the text equals the old one wherever that was ASCII too.
    expect(Object.keys(JSON.parse(json))).toEqual(Object.keys(asObject(e, id)));
  });

  it('writes time stamps as Date#toISOString does, across seconds and in any order', () => {
    const times = [NOW, NOW + 1, NOW + 877, NOW - 123, NOW + 1000, 946_684_800_000, 946_684_799_999, NOW + 0.9, -1];
    for (let i = 0; i < 2000; i++) times.push(NOW + Math.floor(Math.sin(i) * 5000));
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });

  it('joins texts into the body of { query, variables: { events } }, its size exactly predicted', () => {
    const texts = Array.from({ length: 150 }, (_, i) =>
      eventJson(checkEvent('b', 's3', 'api_calls', 1, { path: `p/${i}/ü` }, NOW), `id-${i}`, '"b"'),
    );
    const body = trackUsageBody(texts, 130);
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { query: string; variables: { events: unknown[] } };
    expect(parsed.query).toContain('trackUsage(events: $events)');
    expect(parsed.variables.events).toEqual(texts.slice(0, 130).map((t) => JSON.parse(t)));
    expect(body.byteLength).toBe(trackUsageOverhead() + texts.slice(0, 130).reduce((n, t) => n + t.length + 1, -1));
  });
});

describe('event JSON through the API', () => {
  let api: ApiProcess;
  let direct: BytemeterClient;
  beforeAll(async () => {
    api = await startApiProcess();
    direct = createBytemeterClient({ url: api.url });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('stores names, paths and metadata with quotes and non-ASCII characters as they were recorded', async () => {
    const tracker = createRemoteTracker({ url: api.url, flushIntervalMs: 60_000 });
    const backend = 'übersicht "q" \\ 写真';
    const path = 'a/"b"/猫 🐱.jpg';
    const metadata = { 'schlüssel "k"': 'wert \\ 🐱', list: [1, 'ß'] };
    tracker.trackBandwidthUpload(backend, 's3', 7, { path, metadata, operationId: 'op-ü' });
    expect(await tracker.close()).toEqual({ written: 1, duplicates: 0, pending: 0 });
    const nodes = [];
    for await (const page of direct.getUsage({ backend, hoursBack: 1 })) nodes.push(...page.nodes);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ backend, path, metadata, operationId: 'op-ü', amount: 7 });
  });

  it('sends through a client made some other way with its own trackUsage, events as objects', async () => {
    const calls: UsageEventInput[][] = [];
    const inner = createBytemeterClient({ url: api.url });
    // A wrapper (as a user would write to instrument calls): not the client createBytemeterClient made.
    const wrapper: BytemeterClient = {
      ...inner,
      trackUsage(events) {
        calls.push(events);
        return inner.trackUsage(events);
      },
    };
    const at = Date.now() - 1000;
    const tracker = createRemoteTracker({ client: wrapper, flushIntervalMs: 60_000, clock: () => at });
    tracker.trackApiCall('wrapped', 's3', { path: 'ü/1', apiClass: 'a' });
    tracker.trackApiCall('wrapped', 's3', { success: false });
    expect(await tracker.close()).toEqual({ written: 2, duplicates: 0, pending: 0 });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([
      expect.objectContaining({
        backend: 'wrapped',
        path: 'ü/1',
        apiClass: 'A',
        timestamp: new Date(at).toISOString(),
      }),
      expect.objectContaining({ backend: 'wrapped', success: false, resourceType: 'API_CALLS' }),
    ]);
  });
});
