import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openResourceTracker, openTokenStore, type ResourceTracker } from '@bytemeter/tracker';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { closeSocketOnRevoke, refuseIfRevoked } from './auth/end-on-revoke.js';
import type { RevocationWatch } from './auth/revocation-watch.js';
import { type Api, type ApiOptions, authorizationOf, createApi } from './create-api.js';
import { closeWebSockets } from './http/close-web-sockets.js';
import type { LiveHub } from './live/live-hub.js';
import { type ApiSettings, isLoopback, isLoopbackHostHeader } from './settings.js';
import { subscribeOperation } from './ws-subscribe.js';
import { SubscriptionSlots } from './ws-subscription-slots.js';

export interface RunningApi {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  yoga: Api;
  live: LiveHub;
  tracker: ResourceTracker;
  server: Server;
  /** Open streams and sockets watched for their token's revocation. */
  revocations: RevocationWatch;
  /** graphql-ws operations open per socket and token (BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_*). */
  subscriptionSlots: SubscriptionSlots;
  /** Stops accepting, ends every subscription and closes what the server opened. */
  close(): Promise<void>;
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
};

/**
 * A WebSocket's credentials: `connectionParams.authorization` (what browsers can send), else the upgrade
 * request's Authorization header (what Node clients can send).
 */
function wsCredentials(ctx: {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: { request: IncomingMessage };
}) {
  const header = ctx.extra.request.headers.authorization;
  return {
    connectionParams: {
      ...(header ? { authorization: header } : {}),
      ...(ctx.connectionParams ?? {}),
    },
  };
}

/**
 * Serves the API on host:port: GraphQL over HTTP and SSE, graphql-ws on the same path, /export, /healthz.
 * Refuses a non-loopback address unless an API token exists, and such a server then requires a token on
 * every request for its whole life (revoking the last token leaves it refusing everything). Pass
 * `tracker` to share one; otherwise the server opens (and closes) its own on settings.databaseUrl
 * (PostgreSQL, shared by any number of replicas) or settings.dbPath (a SQLite file).
 * @example const api = await startApiServer({ settings: readSettings() }); console.log(api.url)
 */
export async function startApiServer(options: {
  settings: ApiSettings;
  tracker?: ResourceTracker;
  api?: Partial<Omit<ApiOptions, 'tracker' | 'tokens'>>;
}): Promise<RunningApi> {
  const { settings } = options;
  // Tokens live in the usage database: on PostgreSQL every replica shares them.
  const where = { path: settings.dbPath, ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}) };
  const tokens = await openTokenStore(where);
  if (!isLoopback(settings.host) && !(await tokens.hasTokens())) {
    await tokens.close();
    throw new Error(
      `Refusing to listen on ${settings.host} without API tokens: anyone on the network could read and write usage. ` +
        'Create one with `pnpm bytemeter token create --scopes read`, or bind 127.0.0.1.',
    );
  }
  const ownTracker = options.tracker === undefined;
  // A tracker passed in keeps its own memoizeSummaries; settings.cacheSummaries is for the one opened here.
  const tracker = options.tracker ?? openResourceTracker({ ...where, memoizeSummaries: settings.cacheSummaries });
  await tracker.ready;
  const {
    yoga,
    live,
    authenticate,
    limits,
    revocations,
    subscriptionSlots: slots,
  } = createApi({
    tracker,
    tokens,
    dbPath: settings.dbPath,
    corsOrigins: settings.corsOrigins,
    maxBodyBytes: settings.maxBodyBytes,
    loopbackOnly: isLoopback(settings.host),
    limits: { introspection: settings.introspection },
    // Decided once: a network-bound server keeps requiring tokens even if the last one is revoked.
    requireToken: !isLoopback(settings.host),
    // One count for both transports: a token's SSE streams and graphql-ws operations share its limit.
    subscriptionSlots: new SubscriptionSlots({
      perSocket: settings.maxSubscriptionsPerSocket,
      perToken: settings.maxSubscriptionsPerToken,
    }),
    ...options.api,
  });

  const server = createServer((req, res) => {
    // Bodies are bounded by Content-Length (checked in the routes plugin); a chunked body of unknown size is not read.
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      res.writeHead(411, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'POST needs a Content-Length header.' }] }));
      return;
    }
    void yoga(req, res);
  });

  const loopbackOnly = isLoopback(settings.host);
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: settings.maxBodyBytes,
    // The same Host check as for HTTP: a DNS-rebinding page must not reach a loopback server.
    verifyClient: ({ req }: { req: IncomingMessage }) => !loopbackOnly || isLoopbackHostHeader(req.headers.host),
  });
  const wsDisposer = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      // A socket without valid credentials is closed at once (4403) rather than kept open to fail per operation.
      onConnect: async (ctx) => {
        try {
          const auth = await authenticate(authorizationOf(wsCredentials(ctx)));
          // And closed (4403) once that token is revoked, within the revocation bound.
          closeSocketOnRevoke(revocations, auth.tokenId, ctx.extra.socket);
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        let tokenId: number | null = null;
        const refused = await refuseIfRevoked(async () => {
          tokenId = (await authenticate(authorizationOf(wsCredentials(ctx)))).tokenId;
        }, ctx.extra.socket);
        if (refused) return refused;
        const operation = await subscribeOperation(yoga, limits, wsCredentials(ctx), payload);
        if (Array.isArray(operation)) return operation;
        // Counted only once it will run: graphql-ws calls onComplete for it (or onClose) to give it back.
        const socket = ctx.extra.socket;
        const tooMany = slots.take(socket, id, tokenId, socket.readyState === socket.OPEN);
        return tooMany ? [tooMany] : operation;
      },
      onComplete: (ctx, id) => slots.release(ctx.extra.socket, id),
      onClose: (ctx) => slots.releaseAll(ctx.extra.socket),
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = settings.host.includes(':') && !settings.host.startsWith('[') ? `[${settings.host}]` : settings.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    yoga,
    live,
    tracker,
    server,
    revocations,
    subscriptionSlots: slots,
    close() {
      closing ??= (async () => {
        revocations.close();
        await closeWebSockets(wss, () => wsDisposer.dispose());
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await tokens.close();
        if (ownTracker) await tracker.close();
      })();
      return closing;
    },
  };
}
