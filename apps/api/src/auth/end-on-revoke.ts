import type { ExecutionResult, GraphQLError } from 'graphql';
import { type Plugin, Repeater } from 'graphql-yoga';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import type { RevocationWatch } from './revocation-watch.js';

/** The WebSocket close code for "your credentials no longer hold" (graphql-ws: Forbidden, not retried). */
export const WS_FORBIDDEN = 4403;

const REVOKED_MESSAGE = 'The token of this subscription was revoked; the subscription has ended.';

/**
 * A subscription's results until its token is revoked: then one last result carrying UNAUTHENTICATED, and
 * the end (the source is returned, so its feed stops). Over SSE the client sees that error and `complete`.
 */
export function endOnRevoke(
  source: AsyncIterable<ExecutionResult>,
  watch: RevocationWatch,
  tokenId: number | null,
): AsyncIterableIterator<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    let revoke!: () => void;
    const revoked = new Promise<'revoked'>((resolve) => {
      revoke = () => resolve('revoked');
    });
    const unwatch = watch.watch(tokenId, revoke);
    const pump = (async () => {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return;
        await push(step.value);
      }
    })();
    try {
      const why = await Promise.race([pump.then(() => 'done' as const), stop.then(() => 'stopped' as const), revoked]);
      if (why === 'revoked') await push({ errors: [apiError('UNAUTHENTICATED', REVOKED_MESSAGE)] });
    } catch (error) {
      stop(error);
      return;
    } finally {
      unwatch();
      // Ends the feed at once (a Repeater answers return() even while a next() is pending).
      await iterator.return?.();
    }
    stop();
  });
}

/** Wraps every subscription (SSE and WebSocket alike) in endOnRevoke. */
export function useEndOnRevoke(watch: RevocationWatch): Plugin<ApiContext> {
  return {
    onSubscribe({ args }) {
      const tokenId = args.contextValue.auth.tokenId;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(endOnRevoke(result, watch, tokenId));
        },
      };
    },
  };
}

/** The part of a `ws` socket the watch needs. */
interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Closes a WebSocket with 4403 once the token it connected with is revoked (graphql-ws then ends each of
 * its subscriptions), and stops watching when the socket closes for any other reason.
 * @example closeSocketOnRevoke(watch, auth.tokenId, ctx.extra.socket)
 */
export function closeSocketOnRevoke(watch: RevocationWatch, tokenId: number | null, socket: ClosableSocket): void {
  const unwatch = watch.watch(tokenId, () => socket.close(WS_FORBIDDEN, 'Forbidden: the token was revoked'));
  socket.once('close', unwatch);
}

/**
 * For a subscribe on an open socket: null while its credentials hold; otherwise the socket is closed with
 * 4403 and the errors to answer the operation with are returned (the client sees the close; nothing is
 * logged as an internal error, as a throw from onSubscribe would be).
 */
export async function refuseIfRevoked(
  authenticate: () => Promise<unknown>,
  socket: Pick<ClosableSocket, 'close'>,
): Promise<readonly GraphQLError[] | null> {
  try {
    await authenticate();
    return null;
  } catch (error) {
    socket.close(WS_FORBIDDEN, 'Forbidden: the token was revoked');
    return [error as GraphQLError];
  }
}
