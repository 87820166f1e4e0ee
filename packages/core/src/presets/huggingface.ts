// The Hugging Face Hub (what @huggingface/hub and huggingface_hub call): file downloads, uploads (commits,
// LFS and Xet transfers) and metadata calls, named, with `repo/file` as the path and committed files as storage.
import { assertBackendName } from '../event-rules.js';
import type { FetchPreset, PresetCall, PresetOptions, PresetRequest, StorageChange } from './preset.js';
import { bodyText, jsonValues, sizeOf } from './preset.js';

export interface HuggingFacePresetOptions extends PresetOptions {
  /** The Hub's URL (the `hubUrl` given to the client); default 'https://huggingface.co'. */
  hubUrl?: string;
}

const REPO_TYPES: Record<string, string> = { models: 'model', datasets: 'dataset', spaces: 'space' };
const API_ROUTES =
  /^\/api\/(models|datasets|spaces)\/(.+?)(?:\/(preupload|commit|paths-info|tree|revision|refs|commits|xet-read-token|xet-write-token)(?:\/(.*))?)?$/;
const OPERATIONS: Record<string, string> = {
  preupload: 'preupload',
  commit: 'commit',
  'paths-info': 'paths-info',
  tree: 'list-files',
  revision: 'repo-info',
  refs: 'list-refs',
  commits: 'list-commits',
  'xet-read-token': 'xet-token',
  'xet-write-token': 'xet-token',
};

/** A repo as bytemeter records it: `org/name` for a model, `datasets/org/name`, `spaces/org/name`. */
const repoPath = (kind: string, name: string) => (kind === 'models' ? name : `${kind}/${name}`);

/** Bytes of a base64 text. */
function base64Bytes(text: string): number {
  const clean = text.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

/**
 * What a commit stores: each file of its NDJSON body, inline (`file`, base64) or uploaded before (`lfsFile`
 * with its size). Deleted files are counted in the metadata only: the commit does not say their size.
 */
function committed(body: string, repo: string): { storage: StorageChange[]; deleted: number } {
  const storage: StorageChange[] = [];
  let deleted = 0;
  for (const line of jsonValues(body)) {
    const { key, value } = (line ?? {}) as {
      key?: string;
      value?: { path?: string; content?: string; size?: unknown };
    };
    const path = value?.path ? `${repo}/${value.path}` : undefined;
    if (key === 'lfsFile') storage.push({ bytes: sizeOf(value?.size) ?? 0, path });
    else if (key === 'file' && typeof value?.content === 'string')
      storage.push({ bytes: base64Bytes(value.content), path });
    else if (key === 'deletedFile' || key === 'deletedFolder') deleted++;
  }
  return { storage, deleted };
}

/**
 * The Hugging Face preset. Operations: `download` (a `resolve` GET, redirects and CDN included) and
 * `file-info` (its HEAD or one-byte range probe); `repo-info`, `list-files`, `paths-info`, `list-refs`, `list-commits`,
 * `create-repo`, `delete-repo`, `whoami`, `xet-token` and `api` for other metadata calls; uploads as
 * `preupload`, `lfs-batch`, `lfs-upload` / `lfs-complete` (to the URLs the LFS batch returned, storage
 * hosts included), `xet-upload` / `xet-download` (Xet CAS hosts under hf.co) and `commit`. The path is
 * `repo/file` (`datasets/…`, `spaces/…` for those repos). A successful commit adds each committed file's
 * size as storage (an overwrite counts as a new file; deletions are not subtracted — the commit does not
 * carry their sizes — and are counted in `metadata.deleted`).
 * @example
 * const hfFetch = instrumentFetch({ presets: ['huggingface'] });
 * await downloadFile({ repo: 'gpt2', path: 'config.json', fetch: hfFetch });
 */
export function huggingface(options: HuggingFacePresetOptions = {}): FetchPreset {
  const backend = options.backend ?? 'huggingface';
  assertBackendName(backend);
  const hub = new URL(options.hubUrl ?? 'https://huggingface.co');
  /** Upload URLs the LFS batch handed out (often a storage host): `origin + pathname` → the file's path. */
  const uploads = new Map<string, string | undefined>();
  const key = (url: URL) => `${url.origin}${url.pathname}`;
  const hfHost = (host: string) =>
    host === 'hf.co' || host.endsWith('.hf.co') || host === 'huggingface.co' || host.endsWith('.huggingface.co');

  function describe({ url, method, headers, body }: PresetRequest): PresetCall {
    if (uploads.has(key(url))) {
      return { operation: method === 'PUT' ? 'lfs-upload' : 'lfs-complete', path: uploads.get(key(url)) };
    }
    if (url.origin !== hub.origin) {
      // CAS (Xet) and CDN hosts under hf.co.
      if (/(^|\.)(cas|xet)/.test(url.hostname) || url.hostname.includes('xethub')) {
        return { operation: method === 'GET' ? 'xet-download' : 'xet-upload', path: url.pathname };
      }
      return { operation: method === 'GET' ? 'download' : 'api', path: url.pathname };
    }
    const p = decodeURIComponent(url.pathname);
    const api = API_ROUTES.exec(p);
    if (api) {
      const [, kind, name, route, rest] = api as unknown as [string, string, string, string?, string?];
      const repo = repoPath(kind, name);
      const metadata = { repoType: REPO_TYPES[kind], repo: name };
      const operation = route ? (OPERATIONS[route] ?? 'api') : 'repo-info';
      if (route === 'tree' && rest) {
        const file = rest.split('/').slice(1).join('/');
        return { operation, path: file ? `${repo}/${file}` : repo, metadata };
      }
      if (route === 'commit' && method === 'POST') {
        const text = bodyText(body);
        if (text === undefined) return { operation, path: repo, metadata };
        const { storage, deleted } = committed(text, repo);
        return {
          operation,
          path: repo,
          metadata: { ...metadata, files: storage.length, ...(deleted ? { deleted } : {}) },
          settle: () => storage,
        };
      }
      return { operation, path: repo, metadata };
    }
    if (p === '/api/repos/create') return { operation: 'create-repo' };
    if (p === '/api/repos/delete') return { operation: 'delete-repo' };
    if (p.startsWith('/api/whoami')) return { operation: 'whoami' };
    const lfs = /^\/(.+)\.git\/info\/lfs\/objects\/batch$/.exec(p);
    if (lfs) {
      const repo = lfs[1]!;
      const sent = jsonValues(bodyText(body) ?? '')[0] as { operation?: string } | undefined;
      return {
        operation: 'lfs-batch',
        path: repo,
        metadata: sent?.operation ? { lfsOperation: sent.operation } : undefined,
        readJson: true,
        settle(json) {
          // Remember where the files go, so their PUTs (to a storage host) are named and counted.
          const reply = json[0] as {
            objects?: { actions?: { upload?: { href?: string; header?: Record<string, string> } } }[];
          };
          for (const object of reply?.objects ?? []) {
            const upload = object.actions?.upload;
            if (!upload?.href) continue;
            uploads.set(key(new URL(upload.href)), repo);
            for (const [name, value] of Object.entries(upload.header ?? {})) {
              if (/^[0-9]+$/.test(name)) uploads.set(key(new URL(value)), repo); // multipart part URLs
            }
          }
          return [];
        },
      };
    }
    const resolve = /^\/(.+?)\/(?:resolve|raw)\/([^/]+)\/(.+)$/.exec(p);
    if (resolve) {
      const [, repo, revision, file] = resolve as unknown as [string, string, string, string];
      const kind = repo.split('/')[0]!;
      // The clients probe a file's size and ETag with a HEAD or a one-byte range before downloading it.
      const probe = method === 'HEAD' || headers.get('range') === 'bytes=0-0';
      return {
        operation: probe ? 'file-info' : 'download',
        path: `${repo}/${file}`,
        metadata: { repoType: REPO_TYPES[kind] ?? 'model', revision },
      };
    }
    return { operation: p.startsWith('/api/') ? 'api' : method === 'GET' ? 'download' : 'api', path: p };
  }

  return {
    name: 'huggingface',
    backend,
    type: 'huggingface',
    matches: (url) => url.origin === hub.origin || hfHost(url.hostname) || uploads.has(key(url)),
    describe,
  };
}
