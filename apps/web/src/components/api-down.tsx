import { AutoRefresh } from './auto-refresh';

/**
 * What a page shows while the API cannot be reached: where it looked, inside the normal layout, and it
 * tries again by itself every 5 s (router refresh with JavaScript, a meta refresh without).
 * @example if ('down' in data) return <ApiDown url={data.down} />;
 */
export function ApiDown({ url }: { url: string }) {
  return (
    <section className="panel" role="alert" data-testid="api-down">
      <h2>Cannot reach the bytemeter API at {url}</h2>
      <p>
        Is it running? <code>npm start</code> starts it with this dashboard. This page tries again every 5 seconds and
        fills in as soon as the API answers.
      </p>
      <AutoRefresh everyMs={5_000} />
      <noscript>
        <meta httpEquiv="refresh" content="5" />
      </noscript>
    </section>
  );
}
