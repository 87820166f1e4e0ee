import type { BackendStatus, ResourceTracker, TokenStore } from '@bytemeter/tracker';
import { type DocumentNode, getOperationAST } from 'graphql';
import { createLRUCache, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type Authenticate, requireScope, tokenAuthenticator } from './auth/authenticate.js';
import { useEndOnRevoke } from './auth/end-on-revoke.js';
import { RevocationWatch } from './auth/revocation-watch.js';
import { cachedTokenLookup, sqliteChangeProbe } from './auth/token-cache.js';
import type { ApiContext } from './context.js';
import { maskError, toClosedCode } from './errors.js';
import { useCompiledExecution } from './execution/use-compiled-execution.js';
import { useResponseCache } from './execution/use-response-cache.js';
import { EXPORT_INLINE_CAP } from './export-file.js';
import { exportResponse } from './http/export-route.js';
import { useOfflineGraphiQL } from './http/graphiql-page.js';
import { StorageFullWatch } from './http/storage-full.js';
import { useStreamBodyLimit } from './http/stream-body-limit.js';
import { useVaryOrigin } from './http/vary-origin.js';
import { DEFAULT_LIMITS, type QueryLimits } from './limits/query-limits.js';
import { useQueryLimits } from './limits/use-query-limits.js';
import { LiveHub } from './live/live-hub.js';
import { useMetrics } from './metrics/use-metrics.js';
import { schema } from './schema/index.js';
import { DEFAULT_MAX_BODY_BYTES, isLoopbackHostHeader } from './settings.js';
import { useSseSubscriptionSlots } from './sse-subscription-slots.js';
import {
  DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET,
  DEFAULT_MAX_SUBSCRIPTIONS_PER_TOKEN,
  SubscriptionSlots,
} from './ws-subscription-slots.js';

/** Distinct query texts whose parsed document (and compiled form) stays cached. */
const PARSED_DOCUMENTS = 256;

export interface ApiOptions {
  tracker: ResourceTracker;
  tokens: TokenStore;
  /**
   * The database file behind `tokens`: token answers are then cached until the file changes (see
   * cachedTokenLookup for the bound); without it every request queries the token table. Tokens on
   * PostgreSQL are always cached, until a create or revoke is notified (TokenStore.changeProbe), and in
   * any case for at most TOKEN_CACHE_MAX_AGE_MS.
   */
  dbPath?: string;
  /** Origins allowed to call from a browser; empty: no CORS headers at all. */
  corsOrigins?: readonly string[];
  maxBodyBytes?: number;
  /** Overrides of DEFAULT_LIMITS (see limits/query-limits.ts). */
  limits?: Partial<QueryLimits>;
  /** Entries the shared usageEvents log may hold (EVENT_LOG_CAP, 100,000); smaller in tests. */
  eventLogCap?: number;
  exportCap?: number;
  /**
   * Serving on a loopback address: refuse requests whose Host header names another host, so a web page
   * cannot reach this server through DNS rebinding.
   */
  loopbackOnly?: boolean;
  /**
   * Every request needs a valid token, even when none exists (then everything is refused). Set for a
   * server on a non-loopback address, so revoking the last token never opens it; see tokenAuthenticator.
   */
  requireToken?: boolean;
  /**
   * Where subscriptions open per token are counted (BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_*): share one with the
   * graphql-ws server so SSE streams and WebSocket operations count against one limit. Default: its own,
   * with the default limits.
   */
  subscriptionSlots?: SubscriptionSlots;
}

/** What the server context carries before the GraphQL context is built (HTTP request or WebSocket params). */
interface ServerContext {
  request?: Request;
  connectionParams?: Readonly<Record<string, unknown>>;
}

export type Api = YogaServerInstance<ServerContext, ApiContext>;

/** The bearer credentials of an HTTP request (header) or a WebSocket connection (connectionParams). */
export function authorizationOf(ctx: ServerContext): string | null {
  const fromHeader = ctx.request?.headers.get('authorization');
  if (fromHeader) return fromHeader;
  const params = ctx.connectionParams;
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

/** Queries and subscriptions need `read`; mutations need `ingest` (admin implies both). */
function useScopes(): Plugin<ApiContext> {
  const check = (args: { document: unknown; operationName?: string | null | undefined; contextValue: ApiContext }) => {
    const op = getOperationAST(args.document as never, args.operationName ?? undefined);
    requireScope(args.contextValue.auth, op?.operation === 'mutation' ? 'ingest' : 'read');
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      try {
        check(args);
      } catch (error) {
        setResultAndStopExecution({ errors: [error as never] });
      }
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      try {
        check(args);
      } catch (error) {
        setResultAndStopExecution({ errors: [error as never] });
      }
    },
  };
}

/** Parse and validation failures leave with BAD_USER_INPUT, like every other error the client caused. */
function useClosedErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result || !result.errors) return;
      setResult({ ...result, errors: result.errors.map(toClosedCode) as never });
    },
  };
}

/** POST bodies this API reads: JSON only, so a cross-site form or text/plain post cannot run a mutation. */
const JSON_BODY = /^application\/(graphql-response\+)?json\s*(;|$)/i;

/** /healthz, /export, Host and body checks, ahead of GraphQL handling. */
function useRoutes(
  tracker: ResourceTracker,
  storage: StorageFullWatch,
  authenticate: Authenticate,
  maxBodyBytes: number,
  loopbackOnly: boolean,
): Plugin {
  const json = (fetchAPI: { Response: typeof Response }, status: number, body: unknown) =>
    new fetchAPI.Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  return {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      const refuse = (status: number, message: string) =>
        endResponse(json(fetchAPI, status, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }));
      if (loopbackOnly && !isLoopbackHostHeader(request.headers.get('host'))) {
        refuse(421, 'This server answers only requests addressed to localhost.');
        return;
      }
      if (request.method === 'POST' && !JSON_BODY.test(request.headers.get('content-type') ?? '')) {
        refuse(415, 'POST a JSON body: Content-Type: application/json.');
        return;
      }
      const length = request.headers.get('content-length');
      if (length !== null && Number(length) > maxBodyBytes) {
        refuse(413, `Request bodies are limited to ${maxBodyBytes} bytes.`);
        return;
      }
      if (url.pathname === '/healthz') {
        const { status, body } = storage.health();
        endResponse(json(fetchAPI, status, body));
        return;
      }
      if (url.pathname === '/export') {
        if (request.method !== 'GET') {
          endResponse(json(fetchAPI, 405, { errors: [{ message: 'Use GET /export.' }] }));
          return;
        }
        try {
          requireScope(await authenticate(request.headers.get('authorization')), 'read');
        } catch (error) {
          const e = error as { message: string; extensions?: { code?: string; http?: { status?: number } } };
          endResponse(
            json(fetchAPI, e.extensions?.http?.status ?? 401, {
              errors: [{ message: e.message, extensions: { code: e.extensions?.code } }],
            }),
          );
          return;
        }
        endResponse(await exportResponse(tracker, url, fetchAPI));
      }
    },
  };
}

/**
 * The GraphQL API over one tracker: schema, auth, limits, live feeds, /export and /healthz. Serve it with
 * startApiServer(), or call `api.yoga.fetch` in-process.
 * @example const { yoga } = createApi({ tracker, tokens }); await yoga.fetch('http://yoga/graphql', { method: 'POST', … })
 */
export function createApi(options: ApiOptions): {
  yoga: Api;
  live: LiveHub;
  authenticate: Authenticate;
  limits: QueryLimits;
  /** Ends subscriptions (and, in startApiServer, WebSockets) whose token is revoked; close() it on shutdown. */
  revocations: RevocationWatch;
  /** Subscriptions open per token: SSE streams counted here, graphql-ws operations by startApiServer. */
  subscriptionSlots: SubscriptionSlots;
} {
  const { tracker, tokens } = options;
  const live = new LiveHub(tracker, options.eventLogCap ? { eventLogCap: options.eventLogCap } : {});
  const storage = new StorageFullWatch(tracker);
  // PostgreSQL: every create or revoke, by any process, is heard at once (a notification); SQLite: the file.
  const heard = tokens.changeProbe();
  const lookup = heard
    ? cachedTokenLookup(tokens, heard)
    : options.dbPath === undefined
      ? tokens
      : cachedTokenLookup(tokens, sqliteChangeProbe(options.dbPath));
  const authenticate = tokenAuthenticator(lookup, { requireToken: options.requireToken ?? false });
  const revocations = new RevocationWatch(tokens, { requireToken: options.requireToken ?? false });
  const subscriptionSlots =
    options.subscriptionSlots ??
    new SubscriptionSlots({
      perSocket: DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET,
      perToken: DEFAULT_MAX_SUBSCRIPTIONS_PER_TOKEN,
    });
  const cors = options.corsOrigins ?? [];
  const exportCap = options.exportCap ?? EXPORT_INLINE_CAP;
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const yoga = createYoga<ServerContext, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Served by useOfflineGraphiQL instead: Yoga's own page loads GraphiQL from a public CDN.
    graphiql: false,
    // Expected errors are the client's business; internal ones are written to stderr by maskError.
    logging: false,
    batching: false,
    multipart: false,
    // Parsed documents are kept (and graphql-jit's compiled form with each, keyed by the document) for at
    // most 256 distinct texts, not Yoga's default 1,024 for an hour: a 1,000-field text holds about 0.6 MB
    // that way, and every whitespace variant is a new text (review measured +145 MB for 200 of them).
    // Dashboards, the SDK and the CLI send a few dozen texts.
    parserAndValidationCache: {
      documentCache: createLRUCache<DocumentNode>({ max: PARSED_DOCUMENTS, ttl: 3_600_000 }),
      errorCache: createLRUCache<object>({ max: PARSED_DOCUMENTS, ttl: 3_600_000 }),
      validationCache: true,
    },
    // Replaced by useStreamBodyLimit below, which counts only bodies of unknown length.
    maxRequestBodySize: false,
    maskedErrors: { maskError: (error, message) => maskError(error, message, () => storage.noteFailure()) },
    cors:
      cors.length === 0
        ? false
        : (request) => {
            const origin = request.headers.get('origin');
            if (origin === null || !cors.includes(origin)) return false;
            return {
              origin: [origin],
              credentials: false,
              methods: ['GET', 'POST', 'OPTIONS'],
              allowedHeaders: ['authorization', 'content-type', 'accept'],
            };
          },
    context: async (ctx) => {
      const auth = await authenticate(authorizationOf(ctx));
      let statuses: Promise<Record<string, BackendStatus>> | undefined;
      return {
        tracker,
        live,
        auth,
        exportCap,
        allStatuses: () => {
          statuses ??= tracker.getBackendStatus();
          return statuses;
        },
      };
    },
    plugins: [
      useRoutes(
        tracker,
        storage,
        authenticate,
        options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        options.loopbackOnly ?? false,
      ),
      ...useMetrics(tracker, authenticate, '/graphql'),
      useOfflineGraphiQL('/graphql'),
      ...useQueryLimits(limits),
      useScopes(),
      useClosedErrorCodes(),
      ...(cors.length > 0 ? [useVaryOrigin()] : []),
      useEndOnRevoke(revocations),
      useSseSubscriptionSlots(subscriptionSlots),
      // After auth, scopes and limits (which run for every request), before execution it may skip.
      useResponseCache(),
      useCompiledExecution(),
      // Last, so it wraps whichever request parser was chosen (where Yoga puts its own limit).
      useStreamBodyLimit(),
    ],
  });
  return { yoga, live, authenticate, limits, revocations, subscriptionSlots };
}
