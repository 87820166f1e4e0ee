import autocannon from 'autocannon';

export interface ThroughputResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** Answers `verify` refused (a 200 can still carry GraphQL errors or a refused batch); 0 without `verify`. */
  mismatches: number;
  /** Server process CPU time per request (user + system), in µs: what a request costs whatever else runs. */
  serverCpuUsPerRequest: number;
}

/** One autocannon run of a GraphQL POST against a running server (`body`: the JSON request, or a query). */
export async function measureQuery(
  url: string,
  name: string,
  query: string | { query: string; variables: Record<string, unknown> },
  options: {
    seconds: number;
    connections: number;
    /** Checks each answer's body (every answer, whatever its status); a false one counts in `mismatches`. */
    verify?: (body: string) => boolean;
  },
  serverCpuMs: () => number,
): Promise<ThroughputResult> {
  const cpuBefore = serverCpuMs();
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(typeof query === 'string' ? { query } : query),
    connections: options.connections,
    duration: options.seconds,
    ...(options.verify ? { verifyBody: (body: unknown) => options.verify!(String(body)) } : {}),
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    serverCpuUsPerRequest: ((serverCpuMs() - cpuBefore) * 1000) / Math.max(1, result.requests.total),
  };
}

/** Middle value of a sample (mean of the two middle ones for an even count). */
export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The median of several runs of the same query, figure by figure (requests/s, p50, p99, CPU per request);
 * errors are summed, so one failed request in any run shows.
 */
export function medianResult(runs: readonly ThroughputResult[]): ThroughputResult {
  const pick = (f: (r: ThroughputResult) => number) => median(runs.map(f));
  return {
    name: runs[0]!.name,
    requestsPerSecond: pick((r) => r.requestsPerSecond),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    mismatches: runs.reduce((n, r) => n + r.mismatches, 0),
    serverCpuUsPerRequest: pick((r) => r.serverCpuUsPerRequest),
  };
}
