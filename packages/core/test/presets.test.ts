import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { filecoin, gateway, huggingface, kubo, lassie, storacha } from '../src/presets/index.js';
import { jsonValues, type PresetRequest } from '../src/presets/preset.js';
import { resolvePreset } from '../src/presets/resolve.js';

const request = (url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): PresetRequest => ({
  url: new URL(url),
  method,
  headers: new Headers(headers),
  body,
});

// How each preset names requests; the recording itself is tested against real clients in packages/core-tests.
describe('preset request naming', () => {
  it('kubo: the route is the operation, the first arg the path; only pins, pinned adds and puts settle storage', () => {
    const p = kubo({ url: 'http://127.0.0.1:5001' });
    expect(p.matches(new URL('http://127.0.0.1:5001/api/v0/cat?arg=x'), 'POST')).toBe(true);
    expect(p.matches(new URL('http://127.0.0.1:5002/api/v0/cat'), 'POST')).toBe(false);
    expect(p.matches(new URL('http://127.0.0.1:5001/ipfs/x'), 'GET')).toBe(false);
    const cat = p.describe(request('http://127.0.0.1:5001/api/v0/cat?arg=bafyA&arg=bafyB', 'POST'));
    expect(cat).toEqual({ operation: 'cat', path: 'bafyA' });
    expect(p.describe(request('http://h/api/v0/add?pin=false', 'POST')).settle).toBeUndefined();
    expect(p.describe(request('http://h/api/v0/add?only-hash=true', 'POST')).settle).toBeUndefined();
    expect(p.describe(request('http://h/api/v0/block/put', 'POST')).settle).toBeUndefined();
    expect(p.describe(request('http://h/api/v0/block/put?pin=true', 'POST')).settle).toBeTypeOf('function');
    expect(p.describe(request('http://h/api/v0/pin/rm?arg=bafyA', 'POST')).prepare).toBeTypeOf('function');
  });

  it('kubo add: storage from the top entries, or the wrapping directory alone', async () => {
    const add = kubo().describe(request('http://h/api/v0/add?wrap-with-directory=true', 'POST'));
    const lines = [
      { Name: 'a.txt', Hash: 'bafyA', Size: '10' },
      { Name: 'd/b.txt', Hash: 'bafyB', Size: '20' },
      { Name: '', Hash: 'bafyW', Size: '99' },
    ];
    const ctx = { lookup: async () => [] };
    expect(await add.settle!(lines, ctx)).toEqual([{ bytes: 99, path: 'bafyW' }]);
    expect(await add.settle!(lines.slice(0, 2), ctx)).toEqual([{ bytes: 10, path: 'bafyA' }]);
  });

  it('gateway: format from ?format= or Accept, CID (and sub-path) as the path, path and subdomain gateways', () => {
    const g = gateway();
    expect(g.matches(new URL('https://dweb.link/ipfs/bafyA/x.txt'), 'GET')).toBe(true);
    expect(g.matches(new URL('https://bafyA.ipfs.dweb.link/x.txt'), 'GET')).toBe(true);
    expect(g.matches(new URL('https://example.com/ipfsx/bafyA'), 'GET')).toBe(false);
    expect(g.describe(request('https://dweb.link/ipfs/bafyA/x%20y.txt?format=car'))).toMatchObject({
      operation: 'get-car',
      path: 'bafyA/x y.txt',
    });
    expect(
      g.describe(request('https://bafya.ipfs.dweb.link/', 'GET', { accept: 'application/vnd.ipld.raw, */*' })),
    ).toMatchObject({ operation: 'get-raw', path: 'bafya' });
    expect(g.describe(request('https://dweb.link/ipns/docs.ipfs.tech', 'HEAD'))).toMatchObject({
      operation: 'head',
      path: '/ipns/docs.ipfs.tech',
    });
    const l = lassie({ url: 'http://127.0.0.1:41443' });
    expect([l.type, l.matches(new URL('http://127.0.0.1:41443/ipfs/bafyA'), 'GET')]).toEqual(['lassie', true]);
    expect(l.matches(new URL('https://dweb.link/ipfs/bafyA'), 'GET')).toBe(false);
  });

  it('huggingface: downloads, probes, metadata, uploads and commits named, with repo/file paths', async () => {
    const hf = huggingface();
    const d = (url: string, method = 'GET', headers: Record<string, string> = {}, body?: string) =>
      hf.describe(request(url, method, headers, body));
    expect(d('https://huggingface.co/gpt2/resolve/main/config.json')).toMatchObject({
      operation: 'download',
      path: 'gpt2/config.json',
    });
    expect(
      d('https://huggingface.co/datasets/org/set/resolve/v1/data/train.parquet', 'GET', { range: 'bytes=0-0' }),
    ).toMatchObject({
      operation: 'file-info',
      path: 'datasets/org/set/data/train.parquet',
      metadata: { repoType: 'dataset', revision: 'v1' },
    });
    expect(d('https://huggingface.co/api/models/org/m/revision/main?expand=x')).toMatchObject({
      operation: 'repo-info',
      path: 'org/m',
    });
    expect(d('https://huggingface.co/api/models/org/m/tree/main/sub')).toMatchObject({
      operation: 'list-files',
      path: 'org/m/sub',
    });
    expect(d('https://huggingface.co/api/spaces/org/s/preupload/main', 'POST')).toMatchObject({
      operation: 'preupload',
      path: 'spaces/org/s',
    });
    expect(d('https://cas-server.xethub.hf.co/v1/xorbs/default/abc', 'POST')).toMatchObject({
      operation: 'xet-upload',
    });
    expect(hf.matches(new URL('https://cas-bridge.xethub.hf.co/x'), 'GET')).toBe(true);
    expect(hf.matches(new URL('https://example.com/x'), 'GET')).toBe(false);
    const body = [
      { key: 'header', value: { summary: 's' } },
      { key: 'file', value: { path: 'a.txt', content: Buffer.from('hello').toString('base64'), encoding: 'base64' } },
      { key: 'lfsFile', value: { path: 'w.bin', size: 1234, oid: 'x', algo: 'sha256' } },
      { key: 'deletedFile', value: { path: 'old.bin' } },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const commit = d('https://huggingface.co/api/models/org/m/commit/main', 'POST', {}, body);
    expect(commit.metadata).toMatchObject({ files: 2, deleted: 1 });
    expect(await commit.settle!([], { lookup: async () => [] })).toEqual([
      { bytes: 5, path: 'org/m/a.txt' },
      { bytes: 1234, path: 'org/m/w.bin' },
    ]);
  });

  it('storacha: invocations, presigned blob PUTs that store what they send, and gateway reads', () => {
    const s = storacha();
    expect(s.matches(new URL('https://up.storacha.network/'), 'POST')).toBe(true);
    expect(s.describe(request('https://up.storacha.network/', 'POST'))).toEqual({ operation: 'invoke' });
    const put = 'https://carpark-prod-0.acc.r2.cloudflarestorage.com/ciqA/ciqA.blob?X-Amz-Signature=x';
    expect(s.matches(new URL(put), 'PUT')).toBe(true);
    expect(s.matches(new URL(put), 'GET')).toBe(false);
    expect(s.describe(request(put, 'PUT'))).toEqual({ operation: 'blob/put', path: 'ciqA.blob', storesBody: true });
    expect(s.describe(request('https://bafya.ipfs.w3s.link/a.txt'))).toMatchObject({
      operation: 'get',
      path: 'bafya/a.txt',
    });
  });
});

describe('filecoin preset naming', () => {
  it('names the PDP routes; a piece PUT stores its body; the PieceCID is the path of finds and reads', () => {
    const f = filecoin();
    const d = (url: string, method = 'GET') => f.describe(request(url, method));
    expect(f.matches(new URL('https://sp.example/pdp/ping'), 'GET')).toBe(true);
    expect(f.matches(new URL('https://sp.example/api/v0/add'), 'POST')).toBe(false);
    expect(filecoin({ urls: ['https://sp.example'] }).matches(new URL('https://other.example/pdp/ping'), 'GET')).toBe(
      false,
    );
    expect(d('https://sp.example/pdp/piece/uploads/u-1', 'PUT')).toEqual({
      operation: 'piece/upload',
      path: 'upload/u-1',
      storesBody: true,
    });
    expect(d('https://sp.example/pdp/piece/uploads/u-1', 'POST')).toMatchObject({ operation: 'piece/finalize' });
    expect(d('https://sp.example/pdp/piece?pieceCid=bafkzcibA')).toEqual({
      operation: 'piece/find',
      path: 'bafkzcibA',
    });
    expect(d('https://sp.example/piece/bafkzcibA')).toEqual({ operation: 'piece/get', path: 'bafkzcibA' });
    expect(d('https://sp.example/pdp/data-sets/7/pieces/3', 'DELETE')).toEqual({
      operation: 'piece/delete',
      path: 'data-set/7/piece/3',
    });
    expect(d('https://sp.example/pdp/data-sets/7/pieces', 'POST')).toEqual({
      operation: 'pieces/add',
      path: 'data-set/7',
    });
    expect(d('https://sp.example/pdp/unknown', 'PATCH')).toEqual({ operation: 'api', path: '/pdp/unknown' });
  });
});

describe('preset options', () => {
  it('names resolve to presets with their defaults; anything else is a typed error', () => {
    expect(resolvePreset('kubo').backend).toBe('kubo');
    expect(resolvePreset('huggingface').type).toBe('huggingface');
    expect(() => resolvePreset('toString' as 'kubo')).toThrow(ValidationError);
    expect(() => resolvePreset({} as never)).toThrow(/Unknown fetch preset/);
    expect(() => kubo({ backend: '' })).toThrow(ValidationError);
  });

  it('jsonValues reads one JSON document or NDJSON lines', () => {
    expect(jsonValues('{"a":\n 1}')).toEqual([{ a: 1 }]);
    expect(jsonValues('{"a":1}\n{"b":2}\n')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(jsonValues('  ')).toEqual([]);
  });
});
