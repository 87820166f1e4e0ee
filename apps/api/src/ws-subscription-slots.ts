import { apiError } from './errors.js';

/** Concurrent graphql-ws operations one socket may run (BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_SOCKET). */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET = 32;
/**
 * Concurrent graphql-ws operations and SSE subscriptions of one token over all its sockets and streams
 * (BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN).
 */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_TOKEN = 256;

/**
 * Counts the operations (subscriptions, and queries while they run) open per graphql-ws socket and per
 * token, and refuses one past either limit with TOO_MANY_SUBSCRIPTIONS. Without tokens (open loopback
 * access) every socket counts against one shared "token". An SSE stream counts as a socket of its own
 * holding one operation (useSseSubscriptionSlots), so only the per-token limit bounds those.
 * @example const refusal = slots.take(socket, id, auth.tokenId); if (refusal) return [refusal];
 */
export class SubscriptionSlots {
  private readonly sockets = new Map<object, Map<string, string>>();
  private readonly tokens = new Map<string, number>();

  constructor(private readonly limits: { perSocket: number; perToken: number }) {}

  /**
   * Takes a slot for operation `id` on `socket`, or returns the error to answer it with. Every count is the
   * sum of the sockets' maps, so nothing a socket held outlives it: an id already open on the socket (a
   * client may subscribe, complete and subscribe again with one id while the first is still starting; both
   * would run, and each completes once) is refused, so the one that runs holds the only slot and gives it
   * back; and a socket already closed (onClose ran while this operation was starting) takes nothing, since
   * no onComplete or onClose would give it back.
   */
  take(socket: object, id: string, tokenId: number | null, socketOpen = true) {
    if (!socketOpen) return apiError('TOO_MANY_SUBSCRIPTIONS', 'This connection is closed.', { per: 'socket' });
    const token = tokenId === null ? 'open' : String(tokenId);
    const open = this.sockets.get(socket) ?? new Map<string, string>();
    if (open.has(id)) return apiError('BAD_USER_INPUT', `Operation id "${id}" is still in use on this connection.`);
    if (open.size >= this.limits.perSocket) {
      return apiError(
        'TOO_MANY_SUBSCRIPTIONS',
        `This connection already has ${open.size} operations open, the most allowed (${this.limits.perSocket}); complete one first.`,
        { limit: this.limits.perSocket, per: 'socket' },
      );
    }
    const ofToken = this.tokens.get(token) ?? 0;
    if (ofToken >= this.limits.perToken) {
      return apiError(
        'TOO_MANY_SUBSCRIPTIONS',
        `This token already has ${ofToken} subscriptions or operations open (WebSocket and SSE), the most allowed (${this.limits.perToken}); end one first.`,
        { limit: this.limits.perToken, per: 'token' },
      );
    }
    open.set(id, token);
    this.sockets.set(socket, open);
    this.tokens.set(token, ofToken + 1);
    return null;
  }

  /** Gives back the slot of operation `id` (it completed); nothing if it held none. */
  release(socket: object, id: string): void {
    const open = this.sockets.get(socket);
    const token = open?.get(id);
    if (!open || token === undefined) return;
    open.delete(id);
    if (open.size === 0) this.sockets.delete(socket);
    const left = (this.tokens.get(token) ?? 1) - 1;
    if (left > 0) this.tokens.set(token, left);
    else this.tokens.delete(token);
  }

  /** Gives back every slot of a closed socket. */
  releaseAll(socket: object): void {
    for (const id of [...(this.sockets.get(socket)?.keys() ?? [])]) this.release(socket, id);
  }

  /** Operations open per token key ('open' without tokens): what the tests observe. */
  openPerToken(): Record<string, number> {
    return Object.fromEntries(this.tokens);
  }
}
