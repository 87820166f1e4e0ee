import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import type { SubscriptionSlots } from './ws-subscription-slots.js';

/** The one operation an SSE (or other HTTP) stream carries: each stream is its own "socket" of one. */
const STREAM_OPERATION = 'http';

/**
 * Counts subscriptions streamed over HTTP (SSE) against the same per-token limit as graphql-ws operations
 * (BYTEMETER_API_MAX_SUBSCRIPTIONS_PER_TOKEN): without it a token over SSE had no bound, each stream a
 * request of its own. One past the limit is answered with TOO_MANY_SUBSCRIPTIONS and its feed is ended
 * before it starts. The slot is given back when the stream ends, whichever side ends it (envelop's onEnd
 * runs on the source's last result and on return(), which Yoga calls when the client goes away).
 * graphql-ws operations carry no HTTP request in their context and are counted in startApiServer instead.
 */
export function useSseSubscriptionSlots(slots: SubscriptionSlots): Plugin<ApiContext & { request?: Request }> {
  return {
    onSubscribe({ args }) {
      if (args.contextValue.request === undefined) return;
      const tokenId = args.contextValue.auth.tokenId;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          const stream = {};
          const refusal = slots.take(stream, STREAM_OPERATION, tokenId);
          if (refusal) {
            void (result as AsyncIterableIterator<ExecutionResult>).return?.();
            setResult({ errors: [refusal] });
            return;
          }
          return { onEnd: () => slots.release(stream, STREAM_OPERATION) };
        },
      };
    },
  };
}
