import type { BackendType } from '../vocabulary.js';
import { makeWrapper, type Wrapper, type WrapperOptions } from './make-wrapper.js';

/**
 * Records the bytes a function sends: the `amount` option, else its first byte-like argument (Uint8Array,
 * Buffer, ArrayBuffer, string as UTF-8, Blob), else a byte-like `Body`/`body`/`data`… of an object argument.
 * A throw or rejection is recorded as one failed API call and re-thrown unchanged.
 * @example
 * const put = trackUpload('photos', 's3')(async (key: string, body: Uint8Array) => store.put(key, body));
 * class Store { @trackUpload('photos', 's3') async put(key: string, body: Uint8Array) { … } }
 */
export function trackUpload(backend: string, type: BackendType, opts?: WrapperOptions): Wrapper {
  return makeWrapper('upload', backend, type, opts);
}

/**
 * Records the bytes a function receives: the `amount` option, else a byte-like result, else the
 * result's numeric `size` or `ContentLength`.
 * @example const get = trackDownload('models', 'huggingface')(async (id: string) => (await fetch(url(id))).arrayBuffer());
 */
export function trackDownload(backend: string, type: BackendType, opts?: WrapperOptions): Wrapper {
  return makeWrapper('download', backend, type, opts);
}

/**
 * Records a signed change of stored bytes: the `amount` option (negative for deletes), else a byte-like
 * argument, else the result's size.
 * @example const remove = trackStorage('disk', 'local', { amount: ([, size]) => -(size as number) })(removeFile);
 */
export function trackStorage(backend: string, type: BackendType, opts?: WrapperOptions): Wrapper {
  return makeWrapper('storage', backend, type, opts);
}

/**
 * Records one API call per call (or `amount` calls), with its success and latency.
 * @example const pin = trackApi('pins', 'ipfs')(async (cid: string) => client.pin.add(cid));
 */
export function trackApi(backend: string, type: BackendType, opts?: WrapperOptions): Wrapper {
  return makeWrapper('api', backend, type, opts);
}
