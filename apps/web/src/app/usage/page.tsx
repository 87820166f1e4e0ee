import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiDown } from '@/components/api-down';
import { EventsTable } from '@/components/usage/events-table';
import { FilterFields } from '@/components/usage/filter-fields';
import { FilteredTotals } from '@/components/usage/filtered-totals';
import { Pager, parsePagePosition } from '@/components/usage/pager';
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
  const at = parsePagePosition(params);
  const { range, ...rest } = filters;
  const paging = at.after
    ? { after: at.after }
    : at.before
      ? { before: at.before, last: PAGE_SIZE }
      : at.last
        ? { last: PAGE_SIZE }
        : {};
  const data = await loadOrDown(() =>
    Promise.all([
      getUsagePage({ ...rest, ...(range ? { range } : {}), first: PAGE_SIZE, ...paging }),
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
        <FilteredTotals totals={page.totals} />
        {page.nodes.length === 0 ? (
          <p>No events match these filters.</p>
        ) : (
          <EventsTable events={page.nodes} timeZone={timezone} />
        )}
        <Pager page={page} at={at} pageSize={PAGE_SIZE} base={base} />
      </section>
    </>
  );
}
