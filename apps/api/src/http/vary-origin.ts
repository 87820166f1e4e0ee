import type { Plugin } from 'graphql-yoga';

/**
 * With CORS origins configured, every answer depends on the request's Origin (allowed origins get
 * Access-Control-Allow-Origin naming them, others get none), so every answer says `Vary: Origin`: a shared
 * cache must not hand one origin's answer to another. Yoga adds it only when it lists several origins
 * itself; this API answers each allowed origin with exactly that origin, so it adds it here.
 */
export function useVaryOrigin(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (vary === null) response.headers.set('vary', 'Origin');
      else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) response.headers.set('vary', `${vary}, Origin`);
    },
  };
}
