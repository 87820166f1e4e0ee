import type { WebSocketServer } from 'ws';

/** How long shutdown waits for WebSocket clients to answer the close handshake before cutting them. */
export const WS_CLOSE_GRACE_MS = 1000;

/**
 * Ends every WebSocket for shutdown: graphql-ws's dispose() sends each client a 1001 close and waits until
 * all have answered, which a stalled client (a frozen tab, a half-open connection) never does; ws then
 * waits its own 30 s close timeout. A process manager kills the API long before that (the stack script
 * after 5 s), and a killed API never closes its tracker. So clients still open after `graceMs` are
 * terminated (their TCP connection destroyed), and shutdown goes on.
 * @example await closeWebSockets(wss, () => wsDisposer.dispose())
 */
export async function closeWebSockets(
  wss: WebSocketServer,
  dispose: () => Promise<void> | void,
  graceMs = WS_CLOSE_GRACE_MS,
): Promise<void> {
  const cut = setTimeout(() => {
    for (const client of wss.clients) client.terminate();
  }, graceMs);
  try {
    await dispose();
  } finally {
    clearTimeout(cut);
  }
}
