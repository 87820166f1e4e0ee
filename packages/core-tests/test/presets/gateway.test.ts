import { instrumentFetch } from '@bytemeter/core/fetch';
import { lassie } from '@bytemeter/core/presets';
import type { UsageEvent } from '@bytemeter/tracker';
import { CarReader } from '@ipld/car';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KuboStandIn, startKuboStandIn } from '../support/kubo-stand-in.js';
import { eventsOf, MODES, openSink, type Sink } from '../support/sink.js';

// Trustless retrieval from LOCAL STAND-INS (../support/kubo-stand-in.ts) for an IPFS gateway and a Lassie
// daemon: neither Kubo nor Lassie can be downloaded here, so the routes are served by a real in-process
// Helia 7 node, CARs written by @ipld/car from its blocks; the client is plain fetch. Run into a local and a remote tracker.
describe.each(MODES)('the gateway and lassie presets, recording into a %s tracker', (mode) => {
  let gw: KuboStandIn;
  let daemon: KuboStandIn;
  let sink: Sink;
  let trackedFetch: typeof fetch;
  const content = new Uint8Array(1536 * 1024).map((_, i) => (i * 13) % 256);
  let cid = '';

  beforeAll(async () => {
    gw = await startKuboStandIn();
    daemon = await startKuboStandIn();
    sink = await openSink(mode);
    // The 'gateway' preset by name: any /ipfs/ path; the Lassie daemon by its URL (listed first, so it wins).
    trackedFetch = instrumentFetch({ presets: [lassie({ url: daemon.url }), 'gateway'], tracker: sink.recorder });
    for (const node of [gw, daemon]) {
      const form = new FormData();
      form.append('file', new Blob([content]));
      const res = await fetch(`${node.url}/api/v0/add`, { method: 'POST', body: form });
      cid = ((await res.json()) as { Hash: string }).Hash;
    }
  });

  afterAll(async () => {
    await gw?.close();
    await daemon?.close();
    await sink?.dispose();
  });

  const summary = (events: UsageEvent[]) =>
    events.map((e) => [e.resourceType, e.amount, e.success, e.path, e.metadata]);

  it('a CAR (format=car) is one get-car call with its bytes, the CID as the path; the CAR verifies', async () => {
    const res = await trackedFetch(`${gw.url}/ipfs/${cid}?format=car&dag-scope=all`);
    const car = new Uint8Array(await res.arrayBuffer());
    const reader = await CarReader.fromBytes(car);
    expect((await reader.getRoots()).map(String)).toEqual([cid]);
    for await (const block of reader.blocks()) {
      // Trustless: every block hashes to its CID.
      expect((await sha256.digest(block.bytes)).bytes).toEqual(block.cid.multihash.bytes);
    }
    expect(summary(await eventsOf(sink, 'gateway'))).toEqual([
      ['bandwidth_download', car.byteLength, true, cid, null],
      ['api_calls', 1, true, cid, { operation: 'get-car', method: 'GET', status: 200, format: 'car', dagScope: 'all' }],
    ]);
  });

  it('a raw block (Accept: application/vnd.ipld.raw) and a file read with a sub-path-less CID', async () => {
    const root = CID.parse(cid);
    const block = await trackedFetch(`${gw.url}/ipfs/${cid}`, { headers: { accept: 'application/vnd.ipld.raw' } });
    const bytes = new Uint8Array(await block.arrayBuffer());
    expect((await sha256.digest(bytes)).bytes).toEqual(root.multihash.bytes);
    const file = await trackedFetch(`${gw.url}/ipfs/${cid}`);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(content))).toBe(true);
    const head = await trackedFetch(`${gw.url}/ipfs/${cid}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(content.byteLength));
    expect(summary((await eventsOf(sink, 'gateway')).slice(2))).toEqual([
      ['bandwidth_download', bytes.byteLength, true, cid, null],
      ['api_calls', 1, true, cid, { operation: 'get-raw', method: 'GET', status: 200, format: 'raw' }],
      ['bandwidth_download', content.byteLength, true, cid, null],
      ['api_calls', 1, true, cid, { operation: 'get', method: 'GET', status: 200, format: 'file' }],
      ['api_calls', 1, true, cid, { operation: 'head', method: 'HEAD', status: 200, format: 'file' }],
    ]);
  });

  it('lassie: the same retrieval recorded under backend type lassie; a missing CID is a failed call', async () => {
    const res = await trackedFetch(`${daemon.url}/ipfs/${cid}?format=car`);
    const car = new Uint8Array(await res.arrayBuffer());
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const gone = await trackedFetch(`${daemon.url}/ipfs/${missing}?format=car`);
    expect(gone.status).toBe(404);
    const why = await gone.text();
    const events = await eventsOf(sink, 'lassie');
    expect(events.map((e) => [e.resourceType, e.amount, e.success, e.path])).toEqual([
      ['bandwidth_download', car.byteLength, true, cid],
      ['api_calls', 1, true, cid],
      ['bandwidth_download', Buffer.byteLength(why), true, missing],
      ['api_calls', 1, false, missing],
    ]);
    expect(events[3]!.metadata).toMatchObject({ operation: 'get-car', status: 404 });
    const backends = await (await sink.settled()).getBackends();
    expect(backends.map((b) => [b.name, b.type]).sort()).toEqual([
      ['gateway', 'ipfs'],
      ['lassie', 'lassie'],
    ]);
    expect(sink.refused).toEqual([]);
  });
});
