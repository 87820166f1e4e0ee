import Link from 'next/link';
import { ApiDown } from '@/components/api-down';
import { AutoRefresh } from '@/components/auto-refresh';
import { AutoSubmitSelect } from '@/components/auto-submit-select';
import { EmptyState } from '@/components/empty-state';
import { LiveBandwidthChart } from '@/components/live-bandwidth-chart';
import { BackendsTable } from '@/components/overview/backends-table';
import { TotalsCards } from '@/components/overview/totals-cards';
import { BytemeterUrqlProvider } from '@/components/urql-provider';
import { ZonePicker } from '@/components/zone-picker';
import { formatInstant } from '@/lib/format';
import { getBackendStatus, getUsageSummary, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first, timeZones } from '@/lib/time-zones';
import { PERIODS, type Period } from '@/lib/types';

export const dynamic = 'force-dynamic';

const PERIOD_LABEL: Record<Period, string> = {
  HOUR: 'This hour',
  DAY: 'Today',
  WEEK: 'This week',
  MONTH: 'This month',
};

const PREVIOUS_LABEL: Record<Period, string> = {
  HOUR: 'the hour before',
  DAY: 'the day before',
  WEEK: 'the week before',
  MONTH: 'the month before',
};

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const periodParam = first(params.period)?.toUpperCase();
  const period: Period = PERIODS.includes(periodParam as Period) ? (periodParam as Period) : 'DAY';
  const timezone = await chosenZone(first(params.tz));
  const atParam = first(params.at);
  const at = atParam && !Number.isNaN(Date.parse(atParam)) ? new Date(atParam).toISOString() : undefined;
  const data = await loadOrDown(async () => {
    const summary = await getUsageSummary({ period, timezone, ...(at ? { at } : {}) });
    // The period before this one: the API's own period that holds the instant just before this start.
    const previousAt = new Date(Date.parse(summary.periodStart) - 1).toISOString();
    const [previous, statuses] = await Promise.all([
      getUsageSummary({ period, timezone, at: previousAt }),
      getBackendStatus(),
    ]);
    return [summary, previous, statuses] as const;
  });
  if ('down' in data) {
    return (
      <>
        <h1>Overview</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [summary, previous, statuses] = data.value;
  const step = (instant: string | null) => {
    const q = new URLSearchParams({ period, tz: timezone });
    if (instant) q.set('at', instant);
    return `/?${q}`;
  };
  const isCurrent = Date.parse(summary.periodEnd) > Date.now();
  const storedNow = statuses.reduce((s, b) => s + b.currentStorageUsageBytes, 0);
  const mbpsNow = statuses.reduce((s, b) => s + b.currentBandwidthUsageMbps, 0);
  return (
    <>
      <h1>Overview</h1>
      <form className="toolbar" method="get" aria-label="Display options">
        <AutoSubmitSelect name="period" label="Period" defaultValue={period}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {PERIOD_LABEL[p]}
            </option>
          ))}
        </AutoSubmitSelect>
        <ZonePicker zones={timeZones(timezone)} value={timezone} />
        <button type="submit">Show</button>
        <p className="muted" style={{ margin: 0 }} data-testid="period-range">
          {formatInstant(summary.periodStart, timezone)} – {formatInstant(summary.periodEnd, timezone)} ({timezone})
        </p>
        <nav className="pager" aria-label="Step through periods">
          <Link className="button secondary" href={step(previous.periodStart)} rel="prev">
            ← Previous
          </Link>
          {isCurrent ? null : (
            <>
              <Link className="button secondary" href={step(summary.periodEnd)} rel="next">
                Next →
              </Link>
              <Link className="button secondary" href={step(null)}>
                Now
              </Link>
            </>
          )}
        </nav>
        {at ? <input type="hidden" name="at" value={at} /> : null}
      </form>
      {statuses.length === 0 ? (
        <>
          {/* Looks again every 3 s, so the page fills in when the first event lands (as it promises). */}
          <AutoRefresh everyMs={3_000} />
          <EmptyState />
        </>
      ) : (
        <>
          <AutoRefresh everyMs={10_000} />
          <TotalsCards
            totals={summary.totals}
            previous={previous.totals}
            previousLabel={PREVIOUS_LABEL[period]}
            storedNow={storedNow}
            mbpsNow={mbpsNow}
          />
          <section className="panel" aria-labelledby="live-title">
            <h2 id="live-title">Live bandwidth</h2>
            <BytemeterUrqlProvider>
              <LiveBandwidthChart mbpsNow={mbpsNow} />
            </BytemeterUrqlProvider>
          </section>
          <section className="panel" aria-labelledby="backends-title">
            <h2 id="backends-title">Backends</h2>
            <BackendsTable statuses={statuses} summary={summary} />
          </section>
        </>
      )}
    </>
  );
}
