import { instrumentGlobalFetch } from '@bytemeter/core/fetch';
import { filecoin } from '@bytemeter/core/presets';
import type { UsageEvent } from '@bytemeter/tracker';
import * as Piece from '@filoz/synapse-core/piece';
import * as SP from '@filoz/synapse-core/sp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PdpStandIn, startPdpStandIn } from '../support/pdp-stand-in.js';
import { eventsOf, MODES, openSink, type Sink } from '../support/sink.js';

// The real @filoz/synapse-core storage-provider calls (what @filoz/synapse-sdk uses after its on-chain
// steps) against a LOCAL STAND-IN for a provider's PDP API (../support/pdp-stand-in.ts): no provider or
// chain runs here, and @filoz/synapse-sdk itself cannot be installed from this registry (it needs a
// synapse-core release the registry does not have). synapse-core uses the global fetch. Both trackers.
describe.each(MODES)('the filecoin preset, recording into a %s tracker', (mode) => {
  let sp: PdpStandIn;
  let sink: Sink;
  let restore: () => void;
  const data = new Uint8Array(200 * 1024).map((_, i) => (i * 17) % 256);
  const small = new Uint8Array(4096).map((_, i) => (i * 3) % 256);
  let pieceCid = '';

  beforeAll(async () => {
    sp = await startPdpStandIn();
    sink = await openSink(mode);
    restore = instrumentGlobalFetch({
      presets: [filecoin({ urls: [sp.url], backend: 'foc' })],
      tracker: sink.recorder,
    });
  });

  afterAll(async () => {
    restore?.();
    await sp?.close();
    await sink?.dispose();
  });

  let seen = 0;
  async function newEvents(): Promise<UsageEvent[]> {
    const all = await eventsOf(sink, 'foc');
    const out = all.slice(seen);
    seen = all.length;
    return out;
  }
  const op = (e: UsageEvent) => (e.metadata as { operation?: string } | null)?.operation;

  it('a streamed piece upload: session, the bytes up and stored, the finalize', async () => {
    const result = await SP.uploadPieceStreaming({ data, serviceURL: sp.url });
    pieceCid = result.pieceCid.toString();
    expect(sp.pieces.get(pieceCid)?.byteLength).toBe(data.byteLength);
    const events = await newEvents();
    expect(events.filter((e) => e.resourceType === 'api_calls').map((e) => [op(e), e.success])).toEqual([
      ['piece/create-upload', true],
      ['piece/upload', true],
      ['piece/finalize', true],
    ]);
    const upload = events.filter((e) => e.resourceType === 'bandwidth_upload').map((e) => e.amount);
    expect(upload).toContain(data.byteLength);
    expect(events.filter((e) => e.resourceType === 'storage_used').map((e) => e.amount)).toEqual([data.byteLength]);
  });

  it('a one-shot upload of a piece named first, and the same piece again: stored once', async () => {
    const cid = Piece.calculate(small);
    await SP.uploadPiece({ data: small, pieceCid: cid, serviceURL: sp.url });
    await SP.uploadPiece({ data: small, pieceCid: cid, serviceURL: sp.url }); // the provider has it: no PUT
    const events = await newEvents();
    expect(events.filter((e) => e.resourceType === 'api_calls').map(op)).toEqual([
      'piece/create-upload',
      'piece/upload',
      'piece/create-upload',
    ]);
    expect(events.filter((e) => e.resourceType === 'storage_used').map((e) => e.amount)).toEqual([small.byteLength]);
  });

  it('find and a verified download: the PieceCID as the path, the piece bytes down', async () => {
    expect((await SP.findPiece({ pieceCid: Piece.parse(pieceCid), serviceURL: sp.url })).toString()).toBe(pieceCid);
    const bytes = await Piece.downloadAndValidate({ url: `${sp.url}/piece/${pieceCid}`, expectedPieceCid: pieceCid });
    expect(bytes.byteLength).toBe(data.byteLength);
    const events = await newEvents();
    expect(events.filter((e) => e.resourceType === 'api_calls').map((e) => [op(e), e.path])).toEqual([
      ['piece/find', pieceCid],
      ['piece/get', pieceCid],
    ]);
    expect(
      events.find(
        (e) => e.resourceType === 'bandwidth_download' && e.path === pieceCid && e.amount === data.byteLength,
      ),
    ).toBeDefined();
  });

  it('a missing piece is a failed call; a deletion is a call without a storage change', async () => {
    const missing = Piece.calculate(new Uint8Array(300).fill(9));
    await expect(SP.findPiece({ pieceCid: missing, serviceURL: sp.url })).rejects.toThrow();
    await SP.deletePiece({ serviceURL: sp.url, dataSetId: 7n, pieceId: 3n, extraData: '0x' });
    const events = await newEvents();
    expect(events.filter((e) => e.resourceType === 'api_calls').map((e) => [op(e), e.success, e.path])).toEqual([
      ['piece/find', false, missing.toString()],
      ['piece/delete', true, 'data-set/7/piece/3'],
    ]);
    expect(events.some((e) => e.resourceType === 'storage_used')).toBe(false);
    const backend = (await (await sink.settled()).getBackends()).find((b) => b.name === 'foc');
    expect(backend?.type).toBe('filecoin');
    expect(sink.refused).toEqual([]);
  });
});
