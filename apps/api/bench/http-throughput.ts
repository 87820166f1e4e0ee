import autocannon from 'autocannon';

export interface ThroughputResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** Server process CPU time per request (user + system), in µs: what a request costs whatever else runs. */
  serverCpuUsPerRequest: number;
}

/** One autocannon run of a GraphQL POST against a running server. */
export async function measureQuery(
  url: string,
  name: string,
  query: string,
  options: { seconds: number; connections: number },
  serverCpuMs: () => number,
): Promise<ThroughputResult> {
  const cpuBefore = serverCpuMs();
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
    connections: options.connections,
    duration: options.seconds,
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    serverCpuUsPerRequest: ((serverCpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests.total),
  };
}
