// A local stand-in for the Kubo RPC routes the kubo preset's tests call, and for a trustless gateway
// (`/ipfs/{cid}?format=car|raw`, as Kubo's gateway, Lassie's daemon and public gateways serve). No IPFS node can run here (the
// Kubo binary cannot be downloaded), so this serves real UnixFS bytes: files are chunked into a DAG by
// ipfs-unixfs-importer (the code Kubo-compatible JS nodes use), blocks are real dag-pb/raw blocks, CIDs are
// real, `dag/stat` sums the real block sizes and `dag/export` writes a real CAR with @ipld/car.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CarWriter } from '@ipld/car';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { importer } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';

/** The blockstore the importer writes into: plain bytes by CID string. */
class Blocks {
  readonly map = new Map<string, Uint8Array>();
  async put(cid: CID, bytes: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<CID> {
    if (bytes instanceof Uint8Array) this.map.set(cid.toString(), bytes);
    else {
      const parts: Uint8Array[] = [];
      for await (const part of bytes) parts.push(part);
      this.map.set(cid.toString(), Buffer.concat(parts));
    }
    return cid;
  }
  get(cid: CID): Uint8Array {
    const bytes = this.map.get(cid.toString());
    if (!bytes) throw new Error(`block ${cid} not found`);
    return bytes;
  }
}

export interface KuboStandIn {
  url: string;
  /** Every block of a DAG, each once, root first. */
  dagBlocks(root: string): { cid: CID; bytes: Uint8Array }[];
  pins: Set<string>;
  /** Request body bytes the stand-in received per route. */
  received: Map<string, number>;
  close(): Promise<void>;
}

export async function startKuboStandIn(): Promise<KuboStandIn> {
  const blocks = new Blocks();
  const pins = new Set<string>();
  const received = new Map<string, number>();

  const dagBlocks = (root: string) => {
    const seen = new Set<string>();
    const out: { cid: CID; bytes: Uint8Array }[] = [];
    const walk = (cid: CID) => {
      if (seen.has(cid.toString())) return;
      seen.add(cid.toString());
      const bytes = blocks.get(cid);
      out.push({ cid, bytes });
      if (cid.code === dagPb.code) for (const link of dagPb.decode(bytes).Links) walk(link.Hash);
    };
    walk(CID.parse(root));
    return out;
  };

  const fileBytes = (cid: CID): Uint8Array => {
    const bytes = blocks.get(cid);
    if (cid.code === raw.code) return bytes;
    const node = dagPb.decode(bytes);
    if (node.Links.length === 0) return UnixFS.unmarshal(node.Data!).data ?? new Uint8Array();
    return Buffer.concat(node.Links.map((link) => fileBytes(link.Hash)));
  };

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
      const all = dagBlocks(cid.toString()); // a missing block fails here, before the status is sent
      const { writer, out } = CarWriter.create([cid]);
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' });
      const piped = Readable.from(out).pipe(res);
      for (const block of all) await writer.put(block);
      await writer.close();
      await new Promise((resolve) => piped.on('finish', resolve));
    } else if (format === 'raw') {
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
      res.end(blocks.get(cid));
    } else {
      const content = fileBytes(cid);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.byteLength });
      res.end(req.method === 'HEAD' ? undefined : content);
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
          const content = new Uint8Array(await value.arrayBuffer());
          for await (const entry of importer([{ content }], blocks, { cidVersion: 1, rawLeaves: true })) {
            const cid = entry.cid.toString();
            const size = dagBlocks(cid).reduce((n, b) => n + b.bytes.byteLength, 0);
            if (url.searchParams.get('pin') !== 'false') pins.add(cid);
            lines.push(JSON.stringify({ Name: cid, Hash: cid, Size: String(size) }));
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${lines.join('\n')}\n`);
      } else if (route === 'cat') {
        const content = fileBytes(CID.parse(arg));
        res.writeHead(200, { 'content-type': 'text/plain' });
        // In 16 KiB writes, so the client sees a streamed body.
        for (let i = 0; i < content.byteLength; i += 16_384) res.write(content.subarray(i, i + 16_384));
        res.end();
      } else if (route === 'dag/stat') {
        const all = dagBlocks(arg);
        const size = all.reduce((n, b) => n + b.bytes.byteLength, 0);
        json({
          UniqueBlocks: all.length,
          TotalSize: size,
          DagStats: [{ Cid: { '/': arg }, Size: size, NumBlocks: all.length }],
        });
      } else if (route === 'pin/add') {
        dagBlocks(arg); // fails for a DAG the node does not have
        pins.add(arg);
        json({ Pins: [arg] });
      } else if (route === 'pin/rm') {
        if (!pins.delete(arg)) return kuboError(res, 'not pinned or pinned indirectly');
        json({ Pins: [arg] });
      } else if (route === 'dag/export') {
        const all = dagBlocks(arg);
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
    pins,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
