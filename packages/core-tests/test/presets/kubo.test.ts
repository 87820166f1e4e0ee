import { ValidationError } from '@bytemeter/core';
import { instrumentGlobalFetch } from '@bytemeter/core/fetch';
import { kubo } from '@bytemeter/core/presets';
import type { UsageEvent } from '@bytemeter/tracker';
import { CarReader } from '@ipld/car';
import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KuboStandIn, startKuboStandIn } from '../support/kubo-stand-in.js';
import { eventsOf, MODES, openSink, type Sink } from '../support/sink.js';

// The real kubo-rpc-client against a LOCAL STAND-IN for Kubo's RPC (../support/kubo-stand-in.ts): the Kubo
// binary cannot be downloaded here, so the RPC routes are answered by a real in-process Helia 7 node (real
// UnixFS DAGs, CIDs, pins) with CAR bytes written by @ipld/car. kubo-rpc-client takes no fetch of
// its own, so the preset is installed with instrumentGlobalFetch. Run into a local and a remote tracker.
describe.each(MODES)('the kubo preset, recording into a %s tracker', (mode) => {
  let node: KuboStandIn;
  let sink: Sink;
  let ipfs: KuboRPCClient;
  let restore: () => void;
  const reported: unknown[] = [];
  // Over Helia's 1 MiB chunk size, so the file is a DAG of two raw leaves under a dag-pb root.
  const content = new Uint8Array(1536 * 1024).map((_, i) => (i * 7) % 251);
  let cid = '';
  let dagSize = 0;

  beforeAll(async () => {
    node = await startKuboStandIn();
    sink = await openSink(mode);
    restore = instrumentGlobalFetch({
      presets: [kubo({ url: node.url, backend: 'kubo-local' })],
      tracker: sink.recorder,
      onError: (e) => reported.push(e),
    });
    ipfs = create({ url: `${node.url}/api/v0` });
  });

  afterAll(async () => {
    restore?.();
    await node?.close();
    await sink?.dispose();
  });

  /** The events recorded since the last call, oldest first. */
  let seen = 0;
  async function newEvents(): Promise<UsageEvent[]> {
    const all = await eventsOf(sink, 'kubo-local');
    const out = all.slice(seen);
    seen = all.length;
    return out;
  }
  const summary = (events: UsageEvent[]) =>
    events.map((e) => [e.resourceType, e.amount, e.success, e.path, (e.metadata as { operation?: string })?.operation]);

  it('add: the multipart body counted up, the node-reported DAG size stored under the new CID', async () => {
    const added = await ipfs.add(content);
    cid = added.cid.toString();
    const blocks = await node.dagBlocks(cid);
    dagSize = blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    expect(blocks.length).toBe(3);
    expect(dagSize).toBeGreaterThan(content.byteLength); // the raw leaves plus a dag-pb root
    expect(added.size).toBe(dagSize);
    const events = await newEvents();
    const sent = node.received.get('add')!;
    expect(sent).toBeGreaterThan(content.byteLength); // the multipart framing too
    expect(events.map((e) => e.resourceType)).toEqual([
      'bandwidth_upload',
      'bandwidth_download',
      'storage_used',
      'api_calls',
    ]);
    expect(events[0]!.amount).toBe(sent);
    expect(events[2]).toMatchObject({ amount: dagSize, path: cid });
    expect(events[3]).toMatchObject({ success: true, metadata: { operation: 'add', method: 'POST', status: 200 } });
    expect(events[3]!.durationMs).not.toBeNull();
  });

  it('cat: the streamed file counted as it is read, with the CID as the path', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of ipfs.cat(cid)) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(Buffer.from(content))).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(summary(await newEvents())).toEqual([
      ['bandwidth_download', content.byteLength, true, cid, undefined],
      ['api_calls', 1, true, cid, 'cat'],
    ]);
  });

  it('dag/export: the CAR bytes counted, and they are a real CAR of the DAG', async () => {
    const parts: Uint8Array[] = [];
    for await (const part of ipfs.dag.export(CID.parse(cid))) parts.push(part);
    const car = Buffer.concat(parts);
    const reader = await CarReader.fromBytes(car);
    expect((await reader.getRoots()).map(String)).toEqual([cid]);
    expect(summary(await newEvents())).toEqual([
      ['bandwidth_download', car.byteLength, true, cid, undefined],
      ['api_calls', 1, true, cid, 'dag/export'],
    ]);
  });

  it('pin/rm: the size dag/stat reported before the unpin is subtracted; the lookup is a recorded call', async () => {
    await ipfs.pin.rm(cid);
    const events = await newEvents();
    expect(summary(events)).toEqual([
      ['bandwidth_download', expect.any(Number), true, cid, undefined],
      ['api_calls', 1, true, cid, 'dag/stat'],
      ['bandwidth_download', expect.any(Number), true, cid, undefined],
      ['storage_used', -dagSize, true, cid, undefined],
      ['api_calls', 1, true, cid, 'pin/rm'],
    ]);
    expect(events[1]!.metadata).toMatchObject({ purpose: 'size' });
  });

  it('pin/add: the size dag/stat reports for the pinned CID is added', async () => {
    await ipfs.pin.add(cid);
    // The lookup runs once the pin/add reply has been read, before that call is recorded.
    expect(summary(await newEvents())).toEqual([
      ['bandwidth_download', expect.any(Number), true, cid, undefined],
      ['api_calls', 1, true, cid, 'dag/stat'],
      ['bandwidth_download', expect.any(Number), true, cid, undefined],
      ['storage_used', dagSize, true, cid, undefined],
      ['api_calls', 1, true, cid, 'pin/add'],
    ]);
    const backend = (await (await sink.settled()).getBackends()).find((b) => b.name === 'kubo-local');
    expect(backend?.type).toBe('ipfs');
  });

  it('a failing RPC is one failed call named after it, and the error reaches the caller unchanged', async () => {
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    await expect(ipfs.pin.rm(missing)).rejects.toThrow(/not pinned|not found/);
    const events = await newEvents();
    const calls = events.filter((e) => e.resourceType === 'api_calls');
    // The dag/stat before the unpin fails too (the node has no such DAG): told to onError, not a storage change.
    expect(calls.map((e) => [(e.metadata as { operation: string }).operation, e.success])).toEqual([
      ['dag/stat', false],
      ['pin/rm', false],
    ]);
    expect(events.some((e) => e.resourceType === 'storage_used')).toBe(false);
    expect(calls[1]!.metadata).toMatchObject({ method: 'POST', status: 500 });
    expect(reported.at(-1)).toMatchObject({ name: 'PresetSettleError' });
  });

  it('refuses to instrument the global fetch twice (every request would count twice)', () => {
    expect(() => instrumentGlobalFetch({ presets: ['kubo'], tracker: sink.recorder })).toThrow(ValidationError);
  });

  it('leaves the recorder alone for requests that are not the node’s RPC', async () => {
    const res = await fetch(`${node.url}/elsewhere`);
    expect(res.status).toBe(404);
    await res.text();
    expect(await newEvents()).toEqual([]);
    expect(sink.refused).toEqual([]);
  });
});
