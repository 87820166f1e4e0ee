/** What every request of one client shares. */
export interface Connection {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  graphqlUrl: string;
  /** The server's origin and base path, e.g. http://127.0.0.1:4000 (for /export and /healthz). */
  baseUrl: string;
  token: string | undefined;
  fetch: typeof fetch;
  /** Per-request time limit in ms; 0 means none. */
  timeoutMs: number;
}

/**
 * The connection of every client createBytemeterClient made, for the remote tracker's own request bodies;
 * a client made any other way (a wrapper, a test double) is not here and is called through its methods.
 */
export const clientConnections = new WeakMap<object, Connection>();

/**
 * Accepts the server's base URL or its /graphql URL and returns both forms.
 * @example resolveUrls('http://127.0.0.1:4000') // { graphqlUrl: 'http://127.0.0.1:4000/graphql', baseUrl: 'http://127.0.0.1:4000' }
 */
export function resolveUrls(url: string): { graphqlUrl: string; baseUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`The endpoint must be an absolute http(s) URL such as http://127.0.0.1:4000; got "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`The endpoint must be an http(s) URL; got "${url}".`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const base = path.endsWith('/graphql') ? path.slice(0, -'/graphql'.length) : path;
  const origin = `${parsed.origin}${base}`;
  return { graphqlUrl: `${origin}/graphql`, baseUrl: origin };
}

/** Headers for every request: the bearer token when one is set. */
export function authHeaders(connection: Connection): Record<string, string> {
  return connection.token ? { authorization: `Bearer ${connection.token}` } : {};
}

/** An abort signal for one request, or undefined when there is no time limit. */
export function requestSignal(connection: Connection, outer?: AbortSignal): AbortSignal | undefined {
  const signals = [outer, connection.timeoutMs > 0 ? AbortSignal.timeout(connection.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  if (signals.length <= 1) return signals[0];
  return AbortSignal.any(signals);
}
