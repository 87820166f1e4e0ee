/** What a new user sees before the first event: the three lines that start tracking. */
export function EmptyState() {
  return (
    <section className="panel" aria-labelledby="empty-title" data-testid="empty-state">
      <h2 id="empty-title">No usage recorded yet</h2>
      <p>Three lines start tracking; this page fills in as soon as the first event lands.</p>
      <pre className="code">
        <code>{`import { openResourceTracker } from '@bytemeter/tracker';
const tracker = openResourceTracker(); // the same database this dashboard reads
tracker.trackBandwidthUpload('photos', 's3', 5 * 1024 * 1024, { path: 'cats/1.jpg' });`}</code>
      </pre>
      <p className="muted">
        Or wrap a client once (<code>@bytemeter/tracker/s3</code>, <code>/fetch</code>, <code>/fs</code>) and every
        transfer is counted; run <code>pnpm demo</code> for a dashboard full of example traffic.
      </p>
    </section>
  );
}
