// IPFS HTTP gateways and Lassie's daemon: trustless retrieval (`GET /ipfs/{cid}?format=car|raw`) and
// ordinary path or subdomain gateway reads, each counted per request with the CID as the path.
import { assertBackendName } from '../event-rules.js';
import type { BackendType } from '../vocabulary.js';
import type { FetchPreset, PresetCall, PresetOptions, PresetRequest } from './preset.js';

export interface GatewayPresetOptions extends PresetOptions {
  /** The gateway's base URL; default: any URL with an /ipfs/ or /ipns/ path or a {cid}.ipfs.host name. */
  url?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  'application/vnd.ipld.car': 'car',
  'application/vnd.ipld.raw': 'raw',
  'application/vnd.ipfs.ipns-record': 'ipns-record',
};

/** The content path a request names: `/ipfs/{cid}/a/b` or a subdomain gateway's `{cid}.ipfs.host/a/b`. */
function contentPath(url: URL): { namespace: string; path: string } | null {
  const inPath = /^\/(ipfs|ipns)\/([^/?#]+)(\/.*)?$/.exec(url.pathname);
  if (inPath) {
    const rest = inPath[3] && inPath[3] !== '/' ? decodeURIComponent(inPath[3]) : '';
    return { namespace: inPath[1]!, path: `${inPath[2]}${rest}` };
  }
  const sub = /^([^.]+)\.(ipfs|ipns)\./.exec(url.hostname);
  if (sub) {
    const rest = url.pathname !== '/' ? decodeURIComponent(url.pathname) : '';
    return { namespace: sub[2]!, path: `${sub[1]}${rest}` };
  }
  return null;
}

/** The trustless format asked for: `?format=` wins over the Accept header; none is a deserialised (file) read. */
function formatOf(url: URL, headers: Headers): string {
  const param = url.searchParams.get('format');
  if (param) return param;
  for (const part of (headers.get('accept') ?? '').split(',')) {
    const format = CONTENT_TYPES[part.split(';')[0]!.trim().toLowerCase()];
    if (format) return format;
  }
  return 'file';
}

function describeRetrieval({ url, method, headers }: PresetRequest): PresetCall {
  const where = contentPath(url);
  const format = formatOf(url, headers);
  const verb = method === 'HEAD' ? 'head' : method === 'GET' ? 'get' : method.toLowerCase();
  const metadata: Record<string, unknown> = { format };
  const scope = url.searchParams.get('dag-scope');
  if (scope) metadata.dagScope = scope;
  const operation = format === 'file' ? verb : `${verb}-${format}`;
  return {
    operation,
    path: where ? `${where.namespace === 'ipns' ? '/ipns/' : ''}${where.path}` : url.pathname,
    metadata,
  };
}

function retrievalPreset(name: string, type: BackendType, options: GatewayPresetOptions): FetchPreset {
  const backend = options.backend ?? name;
  assertBackendName(backend);
  const root = options.url ? new URL(options.url) : null;
  return {
    name,
    backend,
    type,
    matches(url) {
      if (root && url.origin !== root.origin) return false;
      return contentPath(url) !== null;
    },
    describe: describeRetrieval,
  };
}

/**
 * The IPFS gateway preset: each `GET`/`HEAD` of `/ipfs/{cid}…` (path gateways) or `{cid}.ipfs.host`
 * (subdomain gateways) is one API call named `get`, `get-car`, `get-raw` (or `head-…`) after the format
 * asked for (`?format=` or the Accept header), with the response bytes as they are read and the CID (and
 * sub-path) as the path. Retrieval stores nothing, so no storage changes.
 * @example instrumentFetch({ presets: [gateway({ url: 'https://w3s.link', backend: 'w3s' })] })
 */
export function gateway(options: GatewayPresetOptions = {}): FetchPreset {
  return retrievalPreset('gateway', 'ipfs', options);
}

/**
 * The Lassie preset: Lassie's HTTP daemon speaks the trustless gateway protocol (`GET /ipfs/{cid}?format=car`),
 * so the same counting as `gateway`, recorded with backend type 'lassie'. Give the daemon's URL.
 * @example instrumentFetch({ presets: [lassie({ url: 'http://127.0.0.1:41443' })] })
 */
export function lassie(options: GatewayPresetOptions & { url: string }): FetchPreset {
  return retrievalPreset('lassie', 'lassie', options);
}
