'use client';

/** Shown when the API is unreachable or refuses a query; a retry re-renders the page. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="panel" role="alert">
      <h1>Something went wrong</h1>
      <p className="error">{error.message || 'The dashboard could not load its data.'}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
