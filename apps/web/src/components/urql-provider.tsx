'use client';
import { cacheExchange, createClient, fetchExchange, ssrExchange, UrqlProvider } from '@urql/next';
import { type ReactNode, useMemo } from 'react';

/**
 * urql for the browser, pointed at this dashboard's own /api/graphql (which adds the session's read token);
 * subscriptions travel as SSE over the same fetch.
 * @example <BytemeterUrqlProvider><LiveBandwidthChart /></BytemeterUrqlProvider>
 */
export function BytemeterUrqlProvider({ children }: { children: ReactNode }) {
  const [client, ssr] = useMemo(() => {
    const ssr = ssrExchange({ isClient: typeof window !== 'undefined' });
    const client = createClient({
      url: '/api/graphql',
      exchanges: [cacheExchange, ssr, fetchExchange],
      fetchSubscriptions: true,
      suspense: false,
    });
    return [client, ssr] as const;
  }, []);
  return (
    <UrqlProvider client={client} ssr={ssr}>
      {children}
    </UrqlProvider>
  );
}
