// A local stand-in for the Kubo RPC routes the kubo preset's tests call, and for a trustless gateway
// (`/ipfs/{cid}?format=car|raw`, as Kubo's gateway, Lassie's daemon and public gateways serve). The Kubo
// binary cannot be downloaded here, so the routes are answered by a real in-process IPFS node: Helia 7
// with @helia/unixfs (createHeliaLight: no libp2p, nothing asked of a network), which chunks files into
// real UnixFS DAGs, pins, unpins and reads files back; CARs are written by @ipld/car from its blocks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { unixfs } from '@helia/unixfs';
import { CarWriter } from '@ipld/car';
import * as dagPb from '@ipld/dag-pb';
import { createHeliaLight } from 'helia';
import { CID } from 'multiformats/cid';

export interface KuboStandIn {
  url: string;
  /** Every block of a DAG, each once, root first; rejects when the node lacks one. */
  dagBlocks(root: string): Promise<{ cid: CID; bytes: Uint8Array }[]>;
  /** Request body bytes the stand-in received per route. */
  received: Map<string, number>;
  close(): Promise<void>;
}

export async function startKuboStandIn(): Promise<KuboStandIn> {
  // Helia without libp2p, routers or block brokers: it never asks a network for a block it lacks.
  const helia = createHeliaLight();
  await helia.start();
  const fs = unixfs(helia);
  const received = new Map<string, number>();
  const offline = { offline: true };

  const blockBytes = async (cid: CID): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    for await (const part of helia.blockstore.get(cid, offline)) parts.push(part);
    return Buffer.concat(parts);
  };

  const dagBlocks = async (root: string) => {
    const seen = new Set<string>();
    const out: { cid: CID; bytes: Uint8Array }[] = [];
    const walk = async (cid: CID) => {
      if (seen.has(cid.toString())) return;
      seen.add(cid.toString());
      const bytes = await blockBytes(cid);
      out.push({ cid, bytes });
      if (cid.code === dagPb.code) for (const link of dagPb.decode(bytes).Links) await walk(link.Hash);
    };
    await walk(CID.parse(root));
    return out;
  };
  /** Pins like Kubo: pinning what is pinned already is fine (Helia would refuse it). */
  const pin = async (cid: CID) => {
    if (await helia.pins.isPinned(cid)) return;
    for await (const _ of helia.pins.add(cid));
  };
  const dagSize = async (root: string) => (await dagBlocks(root)).reduce((n, b) => n + b.bytes.byteLength, 0);

  const kuboError = (res: ServerResponse, message: string) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Message: message, Code: 0, Type: 'error' }));
  };

  /** Kubo's gateway side (`/ipfs/{cid}`): a CAR or a raw block for trustless retrieval, else the file. */
  async function gateway(url: URL, req: IncomingMessage, res: ServerResponse) {
    const cid = CID.parse(url.pathname.split('/')[2] ?? '');
    const accept = req.headers.accept ?? '';
    const format =
      url.searchParams.get('format') ??
      (accept.includes('vnd.ipld.car') ? 'car' : accept.includes('vnd.ipld.raw') ? 'raw' : '');
    if (format === 'car') {
      const all = await dagBlocks(cid.toString()); // a missing block fails here, before the status is sent
      const { writer, out } = CarWriter.create([cid]);
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' });
      const piped = Readable.from(out).pipe(res);
      for (const block of all) await writer.put(block);
      await writer.close();
      await new Promise((resolve) => piped.on('finish', resolve));
    } else if (format === 'raw') {
      const bytes = await blockBytes(cid);
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
      res.end(bytes);
    } else {
      const stat = await fs.stat(cid, offline);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(stat.size) });
      if (req.method === 'HEAD') return void res.end();
      for await (const chunk of fs.cat(cid, offline)) res.write(chunk);
      res.end();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname.startsWith('/ipfs/')) {
      try {
        return await gateway(url, req, res);
      } catch (error) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end((error as Error).message);
      }
    }
    const route = url.pathname.replace('/api/v0/', '');
    const arg = url.searchParams.get('arg') ?? '';
    const body: Buffer[] = [];
    for await (const part of req) body.push(part as Buffer);
    const bytes = Buffer.concat(body);
    received.set(route, (received.get(route) ?? 0) + bytes.byteLength);
    const json = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(value)}\n`);
    };
    try {
      if (route === 'add') {
        const form = await new Request('http://stand-in/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body: bytes,
        }).formData();
        const lines: string[] = [];
        for (const [, value] of form) {
          if (typeof value === 'string') continue;
          const cid = await fs.addBytes(new Uint8Array(await value.arrayBuffer()));
          if (url.searchParams.get('pin') !== 'false') await pin(cid);
          const id = cid.toString();
          lines.push(JSON.stringify({ Name: id, Hash: id, Size: String(await dagSize(id)) }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${lines.join('\n')}\n`);
      } else if (route === 'cat') {
        const chunks = fs.cat(CID.parse(arg), offline)[Symbol.asyncIterator]();
        const first = await chunks.next(); // a missing block fails here, before the status is sent
        res.writeHead(200, { 'content-type': 'text/plain' });
        if (!first.done) res.write(first.value);
        for (let step = await chunks.next(); !step.done; step = await chunks.next()) res.write(step.value);
        res.end();
      } else if (route === 'dag/stat') {
        const all = await dagBlocks(arg);
        const size = all.reduce((n, b) => n + b.bytes.byteLength, 0);
        json({
          UniqueBlocks: all.length,
          TotalSize: size,
          DagStats: [{ Cid: { '/': arg }, Size: size, NumBlocks: all.length }],
        });
      } else if (route === 'pin/add') {
        await dagBlocks(arg); // fails for a DAG the node does not have, rather than asking the network
        await pin(CID.parse(arg));
        json({ Pins: [arg] });
      } else if (route === 'pin/rm') {
        const cid = CID.parse(arg);
        if (!(await helia.pins.isPinned(cid))) return kuboError(res, 'not pinned or pinned indirectly');
        for await (const _ of helia.pins.rm(cid));
        json({ Pins: [arg] });
      } else if (route === 'dag/export') {
        const all = await dagBlocks(arg);
        const { writer, out } = CarWriter.create([CID.parse(arg)]);
        res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' });
        const piped = Readable.from(out).pipe(res);
        for (const block of all) await writer.put(block);
        await writer.close();
        await new Promise((resolve) => piped.on('finish', resolve));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
      }
    } catch (error) {
      kuboError(res, (error as Error).message);
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dagBlocks,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await helia.stop();
    },
  };
}
