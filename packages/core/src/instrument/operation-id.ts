/**
 * A compact unique id for one instrumented call: 16 random bytes as 32 hex characters (Web Crypto, so
 * Node and browsers alike). Every event of the call carries it, so a reader can put the call's bytes,
 * storage and API-call events back together.
 * @example newOperationId() // '3f9c0a…' (32 hex characters)
 */
export function newOperationId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const b of bytes) id += b.toString(16).padStart(2, '0');
  return id;
}
