import { type DocumentNode, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The operation label of a request: its single root field (`usageSummary`, `trackUsage`, …) or `multiple`.
 * Root fields are bounded by the schema, unlike client-chosen operation names, so a client cannot grow the
 * number of series. Requests that never reach execution (parse, validation, limits, auth) are `invalid`.
 */
function operationLabel(document: DocumentNode, operationName: string | null | undefined) {
  const op = getOperationAST(document, operationName ?? undefined);
  if (!op) return { operation: 'invalid', type: 'unknown' };
  const fields = new Set<string>();
  for (const sel of op.selectionSet.selections) fields.add(sel.kind === Kind.FIELD ? sel.name.value : '...');
  const [only] = fields;
  return { operation: fields.size === 1 && only !== '...' ? (only as string) : 'multiple', type: op.operation };
}

interface Seen {
  start: number;
  operation: string;
  type: string;
  failed: boolean;
}

/**
 * Counts and times every HTTP request to the GraphQL endpoint by operation (for SSE subscriptions the time
 * is until the stream's headers). Outcome `error` means the response carried GraphQL errors or an HTTP
 * error status.
 * @example plugins: [useRequestMetrics(registry, '/graphql')]
 */
export function useRequestMetrics(registry: Registry, endpoint: string): Plugin {
  const requests = new Counter({
    name: 'bytemeter_api_requests_total',
    help: 'GraphQL HTTP requests by root field, operation type and outcome (ok or error).',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'bytemeter_api_request_duration_seconds',
    help: 'Time from a GraphQL HTTP request to its response, by root field and operation type.',
    labelNames: ['operation', 'type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const seen = new WeakMap<Request, Seen>();
  const label = (request: Request | undefined, document: unknown, operationName: string | null | undefined) => {
    const entry = request && seen.get(request);
    if (entry) Object.assign(entry, operationLabel(document as DocumentNode, operationName));
    return entry;
  };
  return {
    onRequest({ request, url }) {
      if (url.pathname === endpoint) {
        seen.set(request, { start: performance.now(), operation: 'invalid', type: 'unknown', failed: false });
      }
    },
    onExecute({ args }) {
      const entry = label((args.contextValue as { request?: Request }).request, args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (entry && !Array.isArray(result) && !(Symbol.asyncIterator in result) && result.errors?.length) {
            entry.failed = true;
          }
        },
      };
    },
    onSubscribe({ args }) {
      label((args.contextValue as { request?: Request }).request, args.document, args.operationName);
    },
    onResponse({ request, response }) {
      const entry = seen.get(request);
      if (!entry) return;
      seen.delete(request);
      const labels = { operation: entry.operation, type: entry.type };
      duration.observe(labels, (performance.now() - entry.start) / 1000);
      const failed = entry.failed || entry.operation === 'invalid' || response.status >= 400;
      requests.inc({ ...labels, outcome: failed ? 'error' : 'ok' });
    },
  };
}
