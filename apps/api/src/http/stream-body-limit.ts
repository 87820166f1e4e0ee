import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Yoga's default cap for a body of unknown length (its `maxRequestBodySize`). */
export const STREAM_BODY_LIMIT = 25_000_000;

const CONTENT_LENGTH = /^\d+$/;

const tooLarge = () =>
  new GraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });

/**
 * Yoga's request body limit, paid only where it is needed. Yoga (maxRequestBodySize) pipes every body
 * through a counting TransformStream: a stream pipeline, an AbortSignal and a DOMException per request, a
 * fifth of the CPU of a small query. A body with a valid Content-Length needs none of that: the routes
 * plugin refuses one over the limit, and Node's HTTP parser delivers exactly Content-Length bytes. So the
 * counting stream now wraps only bodies without a Content-Length (in-process `yoga.fetch` callers; the
 * HTTP server answers those 411 before Yoga sees them). Errors are Yoga's own. Pass
 * `maxRequestBodySize: false` to createYoga when using this.
 * @example createYoga({ maxRequestBodySize: false, plugins: [useStreamBodyLimit()] })
 */
export function useStreamBodyLimit(limit = STREAM_BODY_LIMIT): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!CONTENT_LENGTH.test(contentLength)) {
          throw new GraphQLError('Content-Length header is invalid.', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
        if (Number(contentLength) > limit) throw tooLarge();
        return;
      }
      if (requestParser == null || request.body == null) return;
      const parse = requestParser;
      setRequestParser((req) => parse(countingBody(req, limit, fetchAPI)));
    },
  };
}

/** The request with a body that errors once more than `limit` bytes have passed (as Yoga does it). */
function countingBody(
  request: Request,
  limit: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
): Request {
  const body = request.body;
  if (!body) return request;
  // A native ReadableStream needs the native TransformStream (graphql-yoga#4583).
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytesRead = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        if (bytesRead > limit) {
          controller.error(tooLarge());
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}
