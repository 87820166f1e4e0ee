import type { ResourceTracker } from '@bytemeter/tracker';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Authenticate, requireScope } from '../auth/authenticate.js';
import { backendMetrics } from './backend-metrics.js';
import { useRequestMetrics } from './request-metrics.js';

/**
 * `GET /metrics` in the Prometheus text format (prom-client): per-backend counters and gauges read from the
 * database at each scrape, this API's request counts and durations, and Node's process metrics. Same
 * token rules as the other routes: a `read` token, or open on loopback while no token exists.
 * @example plugins: [...useMetrics(tracker, authenticate, '/graphql')]
 */
export function useMetrics(tracker: ResourceTracker, authenticate: Authenticate, endpoint: string): Plugin[] {
  // One registry per API instance (not prom-client's global one): tests and embedders may run several.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const refreshBackends = backendMetrics(registry, tracker);
  // Scrapes run one after another: each resets and refills the backend series before rendering them.
  let queue: Promise<unknown> = Promise.resolve();
  const scrape = () => {
    const next = queue.then(async () => {
      await refreshBackends();
      return registry.metrics();
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const route: Plugin = {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== '/metrics') return;
      const json = (status: number, body: unknown) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      if (request.method !== 'GET') {
        json(405, { errors: [{ message: 'Use GET /metrics.', extensions: { code: 'BAD_USER_INPUT' } }] });
        return;
      }
      try {
        requireScope(await authenticate(request.headers.get('authorization')), 'read');
      } catch (error) {
        const e = error as { message: string; extensions?: { code?: string; http?: { status?: number } } };
        json(e.extensions?.http?.status ?? 401, {
          errors: [{ message: e.message, extensions: { code: e.extensions?.code } }],
        });
        return;
      }
      const body = await scrape();
      endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': registry.contentType } }));
    },
  };
  return [route, useRequestMetrics(registry, endpoint)];
}
