import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiDown } from '@/components/api-down';
import { EventsTable } from '@/components/usage/events-table';
import { FilterFields } from '@/components/usage/filter-fields';
import { formatCount } from '@/lib/format';
import { getBackendStatus, getUsagePage, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import { filterQuery, parseUsageFilters } from '@/lib/usage-filters';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Usage explorer' };

const PAGE_SIZE = 25;

export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const timezone = await chosenZone(first(params.tz));
  const filters = parseUsageFilters(params, timezone);
  const after = first(params.after) || undefined;
  // The cursors of the pages before this one, so "Previous" is a plain link.
  const trail = (first(params.trail) ?? '').split('~').filter(Boolean);
  const { range, ...rest } = filters;
  const data = await loadOrDown(() =>
    Promise.all([
      getUsagePage({ ...rest, ...(range ? { range } : {}), first: PAGE_SIZE, ...(after ? { after } : {}) }),
      getBackendStatus(),
    ]),
  );
  if ('down' in data) {
    return (
      <>
        <h1>Usage explorer</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [page, statuses] = data.value;
  const base = filterQuery(filters, timezone);
  const link = (cursor: string | undefined, nextTrail: string[]) => {
    const q = new URLSearchParams(base);
    if (cursor) q.set('after', cursor);
    if (nextTrail.length > 0) q.set('trail', nextTrail.join('~'));
    return `/usage?${q}`;
  };
  const start = trail.length * PAGE_SIZE + (after ? PAGE_SIZE : 0);
  const pageNumber = start / PAGE_SIZE + 1;
  return (
    <>
      <h1>Usage explorer</h1>
      <form className="toolbar panel" method="get" aria-label="Filters">
        <FilterFields filters={filters} backends={statuses.map((s) => s.backend)} timeZone={timezone} />
        <button type="submit">Apply filters</button>
        <Link className="button secondary" href="/usage">
          Reset
        </Link>
        {/* The same filters, ready to download (the export page reads the same query). */}
        <Link className="button secondary" href={`/export?${base}`}>
          Export these…
        </Link>
      </form>
      <section className="panel" aria-labelledby="events-title">
        <h2 id="events-title">
          Events{' '}
          <span className="muted" data-testid="total-count">
            {formatCount(page.totalCount)}
          </span>
        </h2>
        {page.nodes.length === 0 ? (
          <p>No events match these filters.</p>
        ) : (
          <EventsTable events={page.nodes} timeZone={timezone} />
        )}
        <nav className="pager" aria-label="Pages">
          {after ? (
            <Link className="button secondary" href={link(trail[trail.length - 1], trail.slice(0, -1))} rel="prev">
              ← Previous
            </Link>
          ) : null}
          <span data-testid="page-label">
            Page {pageNumber}
            {page.nodes.length > 0
              ? ` · events ${start + 1}–${start + page.nodes.length} of ${formatCount(page.totalCount)}`
              : ''}
          </span>
          {page.pageInfo.hasNextPage && page.pageInfo.endCursor ? (
            <Link
              className="button secondary"
              href={link(page.pageInfo.endCursor, after ? [...trail, after] : trail)}
              rel="next"
            >
              Next →
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}
