// A local stand-in for the Hugging Face Hub routes @huggingface/hub calls in the preset's tests (the Hub
// cannot be reached from here): repo info, file tree, file resolve with ranges, preupload, the LFS batch,
// commits; plus a separate "storage host" the LFS batch hands upload URLs on, as the real Hub hands out
// presigned storage URLs. Files are kept in memory, so a test downloads exactly what it committed.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubStandIn {
  hubUrl: string;
  storageUrl: string;
  /** Committed files by `repo/path`. */
  files: Map<string, Uint8Array>;
  /** Files at least this big are uploaded through LFS (the preupload answer says so). */
  lfsThreshold: number;
  close(): Promise<void>;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function startHubStandIn(lfsThreshold = 10 * 1024): Promise<HubStandIn> {
  const files = new Map<string, Uint8Array>();
  /** LFS objects the storage host received, by sha256. */
  const objects = new Map<string, Uint8Array>();
  const json = (res: ServerResponse, value: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  const [storage, storageUrl] = await listen(async (req, res) => {
    const bytes = await bodyOf(req);
    const oid = decodeURIComponent(new URL(req.url ?? '/', storageUrl).pathname.split('/').at(-1) ?? '');
    if (req.method !== 'PUT') return json(res, { error: 'method' }, 405);
    if (createHash('sha256').update(bytes).digest('hex') !== oid) return json(res, { error: 'sha256 mismatch' }, 400);
    objects.set(oid, bytes);
    res.writeHead(200, { etag: `"${oid}"`, 'content-length': 0 });
    res.end();
  });

  const [hub, hubUrl] = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = decodeURIComponent(url.pathname);
    const body = await bodyOf(req);
    if (/^\/api\/models\/(.+)\/preupload\/[^/]+$/.test(path)) {
      const { files: asked } = JSON.parse(body.toString()) as { files: { path: string; size: number }[] };
      return json(res, {
        files: asked.map((f) => ({ path: f.path, uploadMode: f.size >= lfsThreshold ? 'lfs' : 'regular' })),
      });
    }
    if (/^\/(.+)\.git\/info\/lfs\/objects\/batch$/.test(path)) {
      const { objects: wanted } = JSON.parse(body.toString()) as { objects: { oid: string; size: number }[] };
      return json(res, {
        transfer: 'basic',
        objects: wanted.map((o) => ({ ...o, actions: { upload: { href: `${storageUrl}/lfs/${o.oid}` } } })),
      });
    }
    const commit = /^\/api\/models\/(.+)\/commit\/[^/]+$/.exec(path);
    if (commit) {
      const repo = commit[1]!;
      for (const line of body.toString().split('\n')) {
        const { key, value } = JSON.parse(line) as {
          key: string;
          value: { path: string; content: string; oid: string };
        };
        if (key === 'file') files.set(`${repo}/${value.path}`, Buffer.from(value.content, 'base64'));
        if (key === 'lfsFile') {
          const object = objects.get(value.oid);
          if (!object) return json(res, { error: `LFS object ${value.oid} was never uploaded` }, 422);
          files.set(`${repo}/${value.path}`, object);
        }
        if (key === 'deletedFile') files.delete(`${repo}/${value.path}`);
      }
      return json(res, { commitOid: 'c0ffee', commitUrl: `${hubUrl}/${repo}/commit/c0ffee` });
    }
    const info = /^\/api\/models\/(.+?)\/revision\/[^/]+$/.exec(path);
    if (info) {
      const repo = info[1]!;
      const siblings = [...files.keys()]
        .filter((k) => k.startsWith(`${repo}/`))
        .map((k) => ({ rfilename: k.slice(repo.length + 1) }));
      return json(res, {
        _id: 'id-1',
        id: repo,
        private: false,
        downloads: 3,
        likes: 1,
        lastModified: '2026-01-01T00:00:00Z',
        siblings,
      });
    }
    const resolve = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(path);
    if (resolve) {
      const file = files.get(`${resolve[1]}/${resolve[2]}`);
      if (!file) {
        const missing = JSON.stringify({ error: 'Entry not found' });
        res.writeHead(404, {
          'x-error-code': 'EntryNotFound',
          'content-type': 'application/json',
          'content-length': missing.length,
        });
        return void res.end(missing);
      }
      const etag = `"${createHash('sha256').update(file).digest('hex')}"`;
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(Number(range[2]), file.byteLength - 1);
        res.writeHead(206, {
          etag,
          'content-range': `bytes ${start}-${end}/${file.byteLength}`,
          'content-length': end + 1 - start,
        });
        return void res.end(file.subarray(start, end + 1));
      }
      res.writeHead(200, { etag, 'content-length': file.byteLength });
      return void res.end(file);
    }
    json(res, { error: `no route ${req.method} ${path}` }, 404);
  });

  return {
    hubUrl,
    storageUrl,
    files,
    lfsThreshold,
    async close() {
      for (const server of [hub, storage]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
