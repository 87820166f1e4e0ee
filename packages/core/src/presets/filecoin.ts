// Filecoin Onchain Cloud storage providers (the PDP HTTP API of Curio that @filoz/synapse-sdk and
// synapse-core speak): piece uploads, data-set piece additions and deletions, and piece retrievals.
import { assertBackendName } from '../event-rules.js';
import type { FetchPreset, PresetCall, PresetOptions, PresetRequest } from './preset.js';

export interface FilecoinPresetOptions extends PresetOptions {
  /** The providers' service URLs; default: any URL whose path starts with /pdp/ or /piece/. */
  urls?: readonly string[];
}

/** PDP routes as `METHOD path-pattern` → the operation they are. */
const ROUTES: [string, RegExp, string][] = [
  ['GET', /^\/pdp\/ping$/, 'ping'],
  ['POST', /^\/pdp\/piece$/, 'piece/create-upload'],
  ['PUT', /^\/pdp\/piece\/upload\/([^/]+)$/, 'piece/upload'],
  ['POST', /^\/pdp\/piece\/uploads$/, 'piece/create-upload'],
  ['PUT', /^\/pdp\/piece\/uploads\/([^/]+)$/, 'piece/upload'],
  ['POST', /^\/pdp\/piece\/uploads\/([^/]+)$/, 'piece/finalize'],
  ['GET', /^\/pdp\/piece$/, 'piece/find'],
  ['POST', /^\/pdp\/piece\/pull$/, 'piece/pull'],
  ['GET', /^\/pdp\/piece\/pull$/, 'piece/pull-status'],
  ['POST', /^\/pdp\/data-sets$/, 'data-set/create'],
  ['POST', /^\/pdp\/data-sets\/create-and-add$/, 'data-set/create-and-add'],
  ['GET', /^\/pdp\/data-sets\/([^/]+)$/, 'data-set/get'],
  ['POST', /^\/pdp\/data-sets\/([^/]+)\/pieces$/, 'pieces/add'],
  ['DELETE', /^\/pdp\/data-sets\/([^/]+)\/pieces\/([^/]+)$/, 'piece/delete'],
  ['GET', /^\/piece\/([^/]+)$/, 'piece/get'],
  ['HEAD', /^\/piece\/([^/]+)$/, 'piece/head'],
];

function describePdp({ url, method }: PresetRequest): PresetCall {
  for (const [verb, pattern, operation] of ROUTES) {
    const m = verb === method ? pattern.exec(url.pathname) : null;
    if (!m) continue;
    if (operation === 'piece/upload') {
      // The bytes a provider received for a piece are what it stores for you.
      return { operation, path: `upload/${m[1]}`, storesBody: true };
    }
    if (operation === 'piece/get' || operation === 'piece/head') return { operation, path: m[1] };
    if (operation === 'piece/find') return { operation, path: url.searchParams.get('pieceCid') ?? undefined };
    if (operation === 'piece/delete') return { operation, path: `data-set/${m[1]}/piece/${m[2]}` };
    if (m[1]) return { operation, path: `data-set/${m[1]}` };
    return { operation };
  }
  return { operation: 'api', path: url.pathname };
}

/**
 * The Filecoin preset, for the storage providers' PDP HTTP API (Filecoin Onchain Cloud; what Synapse calls
 * after its on-chain steps). Operations: `piece/create-upload`, `piece/upload` (its bytes up and, on
 * success, added as storage), `piece/finalize`, `piece/find`, `piece/pull`, `data-set/create`,
 * `pieces/add`, `piece/delete`, `piece/get` (retrieval, the PieceCID as the path), `ping`, `api`.
 * A piece deletion is recorded as a call but not subtracted: the request names a piece id, not its size.
 * The chain transactions Synapse sends (payments, data-set contracts) go to an Ethereum RPC, not here.
 * @example instrumentGlobalFetch({ presets: [filecoin({ urls: ['https://pdp.provider.example'] })] })
 */
export function filecoin(options: FilecoinPresetOptions = {}): FetchPreset {
  const backend = options.backend ?? 'filecoin';
  assertBackendName(backend);
  const origins = options.urls?.map((u) => new URL(u).origin);
  return {
    name: 'filecoin',
    backend,
    type: 'filecoin',
    matches(url) {
      if (origins) return origins.includes(url.origin);
      return url.pathname.startsWith('/pdp/') || url.pathname.startsWith('/piece/');
    },
    describe: describePdp,
  };
}
