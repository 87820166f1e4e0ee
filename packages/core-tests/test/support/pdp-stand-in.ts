// A local stand-in for a Filecoin storage provider's PDP HTTP API (Curio), for the routes synapse-core's
// piece upload, find, download and delete call. No provider or chain runs here; pieces are checked with
// the real PieceCID (CommP) calculation of @filoz/synapse-core, so an upload is only accepted whole.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Piece from '@filoz/synapse-core/piece';

export interface PdpStandIn {
  url: string;
  pieces: Map<string, Uint8Array>;
  close(): Promise<void>;
}

export async function startPdpStandIn(): Promise<PdpStandIn> {
  const pieces = new Map<string, Uint8Array>();
  const uploads = new Map<string, { bytes?: Uint8Array; pieceCid?: string }>();
  const send = (res: ServerResponse, status: number, value?: unknown, headers: Record<string, string> = {}) => {
    const body = value === undefined ? '' : JSON.stringify(value);
    // With a Content-Length, as a Go server sends small replies (synapse-core never reads some of them).
    const type = body ? { 'content-type': 'application/json' } : {};
    res.writeHead(status, { ...type, 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://pdp');
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    const route = `${req.method} ${url.pathname}`;
    let m: RegExpExecArray | null = null;
    if (route === 'POST /pdp/piece/uploads') {
      const id = randomUUID();
      uploads.set(id, {});
      return send(res, 201, undefined, { location: `/pdp/piece/uploads/${id}` });
    }
    if (route === 'POST /pdp/piece') {
      const { pieceCid } = JSON.parse(body.toString()) as { pieceCid: string };
      if (pieces.has(pieceCid)) return send(res, 200, { pieceCid });
      const id = randomUUID();
      uploads.set(id, { pieceCid });
      return send(res, 201, undefined, { location: `/pdp/piece/upload/${id}` });
    }
    m = /^PUT \/pdp\/piece\/uploads?\/([^/]+)$/.exec(route);
    if (m) {
      const upload = uploads.get(m[1]!);
      if (!upload) return send(res, 404, { error: 'no such upload' });
      upload.bytes = body;
      // The one-shot upload names its piece first: it is checked and stored now.
      if (upload.pieceCid) {
        if (Piece.calculate(body).toString() !== upload.pieceCid) return send(res, 400, { error: 'PieceCID mismatch' });
        pieces.set(upload.pieceCid, body);
      }
      return send(res, 204);
    }
    m = /^POST \/pdp\/piece\/uploads\/([^/]+)$/.exec(route);
    if (m) {
      const upload = uploads.get(m[1]!);
      const { pieceCid } = JSON.parse(body.toString()) as { pieceCid: string };
      if (!upload?.bytes || Piece.calculate(upload.bytes).toString() !== pieceCid) {
        return send(res, 400, { error: 'PieceCID mismatch' });
      }
      pieces.set(pieceCid, upload.bytes);
      return send(res, 200, { pieceCid });
    }
    if (route === 'GET /pdp/piece') {
      const pieceCid = url.searchParams.get('pieceCid') ?? '';
      return pieces.has(pieceCid) ? send(res, 200, { pieceCid }) : send(res, 404, { error: 'piece not found' });
    }
    m = /^GET \/piece\/([^/]+)$/.exec(route);
    if (m) {
      const bytes = pieces.get(m[1]!);
      if (!bytes) return send(res, 404, { error: 'piece not found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // In 32 KiB writes, a streamed body as a provider sends it.
      for (let i = 0; i < bytes.byteLength; i += 32_768) res.write(bytes.subarray(i, i + 32_768));
      return void res.end();
    }
    m = /^DELETE \/pdp\/data-sets\/([^/]+)\/pieces\/([^/]+)$/.exec(route);
    if (m) return send(res, 200, { txHash: `0x${'ab'.repeat(32)}` });
    send(res, 404, { error: `no route ${route}` });
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pieces,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
