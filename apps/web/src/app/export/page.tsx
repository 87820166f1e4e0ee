import type { Metadata } from 'next';
import { ApiDown } from '@/components/api-down';
import { FilterFields } from '@/components/usage/filter-fields';
import { getBackendStatus, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import { parseUsageFilters } from '@/lib/usage-filters';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Export' };

export default async function ExportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const timezone = await chosenZone(first(params.tz));
  const filters = parseUsageFilters(params, timezone);
  const data = await loadOrDown(() => getBackendStatus());
  if ('down' in data) {
    return (
      <>
        <h1>Export</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const statuses = data.value;
  return (
    <>
      <h1>Export</h1>
      <section className="panel" aria-labelledby="export-title">
        <h2 id="export-title">Download events</h2>
        <p className="muted">
          Every raw event in the range that matches the filters, streamed from the API&apos;s <code>/export</code>. A
          from/to pair overrides the time range. The CSV names each amount&apos;s unit (bytes, calls or micros of a
          dollar) in its <code>unit</code> column.
        </p>
        <form className="toolbar" method="get" action="/export/download" aria-label="Export">
          <FilterFields filters={filters} backends={statuses.map((s) => s.backend)} timeZone={timezone} />
          <div className="field">
            <label htmlFor="export-format">Format</label>
            <select id="export-format" name="format" defaultValue="csv">
              <option value="csv">CSV</option>
              <option value="ndjson">NDJSON</option>
              <option value="json">JSON</option>
            </select>
          </div>
          <button type="submit">Download</button>
        </form>
      </section>
    </>
  );
}
