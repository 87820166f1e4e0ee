// Storacha (formerly web3.storage, @storacha/client): service invocations, blob uploads to the presigned
// URLs the service hands out, and retrievals from its IPFS gateways.
import { assertBackendName } from '../event-rules.js';
import { gateway } from './gateway.js';
import type { FetchPreset, PresetOptions } from './preset.js';

export interface StorachaPresetOptions extends PresetOptions {
  /** The upload service's URL; default 'https://up.storacha.network' (and the older up.web3.storage). */
  serviceUrl?: string;
  /** Host suffixes of the presigned blob upload URLs; default ['r2.cloudflarestorage.com'] (Storacha's carpark). */
  uploadHosts?: readonly string[];
  /** Gateway host suffixes retrieved from; default ['storacha.link', 'w3s.link', 'nftstorage.link']. */
  gatewayHosts?: readonly string[];
}

const endsWithHost = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/**
 * The Storacha preset. A POST to the upload service is one `invoke` call (its capabilities, e.g.
 * `space/blob/add` or `upload/add`, travel inside a signed CAR that is not decoded here, so they are not
 * named); a PUT to a presigned blob URL is `blob/put` with its bytes up and, on success, the same bytes
 * added as storage; a read from a Storacha gateway is named and counted as by the `gateway` preset.
 * Removals (`space/blob/remove`, `upload/remove`) are service invocations like any other: recorded as
 * calls, but stored bytes are not subtracted, as their sizes are inside the undecoded receipts.
 * @example instrumentGlobalFetch({ presets: ['storacha'] }) // @storacha/client uses the global fetch
 */
export function storacha(options: StorachaPresetOptions = {}): FetchPreset {
  const backend = options.backend ?? 'storacha';
  assertBackendName(backend);
  const services = options.serviceUrl
    ? [new URL(options.serviceUrl).origin]
    : ['https://up.storacha.network', 'https://up.web3.storage'];
  const uploadHosts = options.uploadHosts ?? ['r2.cloudflarestorage.com'];
  const gatewayHosts = options.gatewayHosts ?? ['storacha.link', 'w3s.link', 'nftstorage.link'];
  const reads = gateway({ backend });
  const isUpload = (url: URL, method: string) =>
    method === 'PUT' && uploadHosts.some((h) => endsWithHost(url.hostname, h));
  const isGateway = (url: URL) => gatewayHosts.some((h) => endsWithHost(url.hostname, h));
  return {
    name: 'storacha',
    backend,
    type: 'storacha',
    matches: (url, method) => services.includes(url.origin) || isUpload(url, method) || isGateway(url),
    describe(request) {
      const { url, method } = request;
      if (services.includes(url.origin)) return { operation: method === 'POST' ? 'invoke' : method.toLowerCase() };
      if (isUpload(url, method)) {
        // The presigned key ends in the blob's multihash: the path that names what was stored.
        const key = url.pathname.split('/').filter(Boolean).at(-1);
        return { operation: 'blob/put', path: key, storesBody: true };
      }
      return reads.describe(request);
    },
  };
}
