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

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const periodParam = first(params.period)?.toUpperCase();
  const period: Period = PERIODS.includes(periodParam as Period) ? (periodParam as Period) : 'DAY';
  const timezone = await chosenZone(first(params.tz));
  const data = await loadOrDown(() => Promise.all([getUsageSummary({ period, timezone }), getBackendStatus()]));
  if ('down' in data) {
    return (
      <>
        <h1>Overview</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [summary, statuses] = data.value;
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
          <TotalsCards totals={summary.totals} storedNow={storedNow} mbpsNow={mbpsNow} />
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
