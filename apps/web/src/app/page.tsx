import Link from 'next/link';
import { ApiDown } from '@/components/api-down';
import { AutoRefresh } from '@/components/auto-refresh';
import { AutoSubmitSelect } from '@/components/auto-submit-select';
import { BucketChart } from '@/components/charts/bucket-chart';
import { EmptyState } from '@/components/empty-state';
import { LiveBandwidthChart } from '@/components/live-bandwidth-chart';
import { BackendsTable } from '@/components/overview/backends-table';
import { TotalsCards } from '@/components/overview/totals-cards';
import { BytemeterUrqlProvider } from '@/components/urql-provider';
import { ZonePicker } from '@/components/zone-picker';
import { stackedModel, unitOf } from '@/lib/chart-model';
import { formatInstant } from '@/lib/format';
import { getBackendStatus, getTimeSeries, getUsageSummary, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import { type Granularity, PERIODS, type Period, type ResourceType } from '@/lib/types';

export const dynamic = 'force-dynamic';

const PERIOD_LABEL: Record<Period, string> = {
  HOUR: 'This hour',
  DAY: 'Today',
  WEEK: 'This week',
  MONTH: 'This month',
};

/** Rolling windows ending now (or at ?at=), beside the calendar periods. */
const ROLLING = {
  '24H': { label: 'Last 24 hours', ms: 86_400_000, before: 'the 24 hours before' },
  '7D': { label: 'Last 7 days', ms: 7 * 86_400_000, before: 'the 7 days before' },
  '30D': { label: 'Last 30 days', ms: 30 * 86_400_000, before: 'the 30 days before' },
} as const;
type Rolling = keyof typeof ROLLING;

const PREVIOUS_LABEL: Record<Period | Rolling, string> = {
  HOUR: 'the hour before',
  DAY: 'the day before',
  WEEK: 'the week before',
  MONTH: 'the month before',
  ...Object.fromEntries(Object.entries(ROLLING).map(([k, r]) => [k, r.before])),
} as Record<Period | Rolling, string>;

/** What the trend chart can show (?trend=), each stacked by backend. */
const TRENDS = {
  upload: { label: 'Uploaded', resourceType: 'BANDWIDTH_UPLOAD' },
  download: { label: 'Downloaded', resourceType: 'BANDWIDTH_DOWNLOAD' },
  calls: { label: 'API calls', resourceType: 'API_CALLS' },
  cost: { label: 'Cost', resourceType: 'OPERATION_COST' },
} as const satisfies Record<string, { label: string; resourceType: ResourceType }>;
type Trend = keyof typeof TRENDS;

/** The trend's bucket size for each choice: a readable number of bars (60 minutes, 24 hours, 7–31 days). */
const TREND_GRANULARITY: Record<Period | Rolling, Granularity> = {
  HOUR: 'MINUTE',
  DAY: 'HOUR',
  WEEK: 'DAY',
  MONTH: 'DAY',
  '24H': 'HOUR',
  '7D': 'HOUR',
  '30D': 'DAY',
};

/** One colour per backend in the stack, largest first; the last is shared by the rest ("Other"). */
const BACKEND_COLORS = ['--s1', '--s2', '--s3', '--s4', '--s5', '--s6'];

const iso = (ms: number) => new Date(ms).toISOString();

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const periodParam = first(params.period)?.toUpperCase();
  const rolling = periodParam && periodParam in ROLLING ? (periodParam as Rolling) : null;
  const period: Period = PERIODS.includes(periodParam as Period) ? (periodParam as Period) : 'DAY';
  const choice = rolling ?? period;
  const trendParam = first(params.trend);
  const trend: Trend = trendParam && trendParam in TRENDS ? (trendParam as Trend) : 'upload';
  const timezone = await chosenZone(first(params.tz));
  const atParam = first(params.at);
  const at = atParam && !Number.isNaN(Date.parse(atParam)) ? new Date(atParam).toISOString() : undefined;
  // A rolling window ends at the next minute after `at` (default now); the one before it ends where it starts.
  const windowEnd = Math.ceil(((at ? Date.parse(at) : Date.now()) + 1) / 60_000) * 60_000;
  const trendOf = (range: { from: string; to: string }) =>
    getTimeSeries({
      resourceType: TRENDS[trend].resourceType,
      granularity: TREND_GRANULARITY[choice],
      range,
      timezone,
    });
  const data = await loadOrDown(async () => {
    if (rolling) {
      const len = ROLLING[rolling].ms;
      const range = { from: iso(windowEnd - len), to: iso(windowEnd) };
      const [summary, previous, statuses, trendSeries] = await Promise.all([
        getUsageSummary({ timezone, range }),
        getUsageSummary({ timezone, range: { from: iso(windowEnd - 2 * len), to: iso(windowEnd - len) } }),
        getBackendStatus(),
        trendOf(range),
      ]);
      return [summary, previous, statuses, trendSeries, range] as const;
    }
    const summary = await getUsageSummary({ period, timezone, ...(at ? { at } : {}) });
    // The period before this one: the API's own period that holds the instant just before this start.
    const previousAt = new Date(Date.parse(summary.periodStart) - 1).toISOString();
    const range = { from: summary.periodStart, to: summary.periodEnd };
    const [previous, statuses, trendSeries] = await Promise.all([
      getUsageSummary({ period, timezone, at: previousAt }),
      getBackendStatus(),
      trendOf(range),
    ]);
    return [summary, previous, statuses, trendSeries, range] as const;
  });
  if ('down' in data) {
    return (
      <>
        <h1>Overview</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [summary, previous, statuses, trendSeries, trendRange] = data.value;
  const step = (instant: string | null) => {
    // No tz: the zone cookie carries it. A tz here made every prefetch of these links re-set the cookie to
    // the zone of the render that drew them (UTC before the browser's zone was known).
    const q = new URLSearchParams({ period: choice });
    if (trend !== 'upload') q.set('trend', trend);
    if (instant) q.set('at', instant);
    return `/?${q}`;
  };
  // Calendar periods step to an instant inside the neighbour period; rolling windows to the neighbour's end.
  const len = rolling ? ROLLING[rolling].ms : 0;
  const prevAt = rolling ? iso(windowEnd - len - 60_000) : previous.periodStart;
  const nextAt = rolling ? iso(windowEnd + len - 60_000) : summary.periodEnd;
  const isCurrent = rolling ? windowEnd >= Date.now() : Date.parse(summary.periodEnd) > Date.now();
  const storedNow = statuses.reduce((s, b) => s + b.currentStorageUsageBytes, 0);
  const mbpsNow = statuses.reduce((s, b) => s + b.currentBandwidthUsageMbps, 0);
  return (
    <>
      <h1>Overview</h1>
      <form className="toolbar" method="get" aria-label="Display options">
        <AutoSubmitSelect name="period" label="Period" defaultValue={choice}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {PERIOD_LABEL[p]}
            </option>
          ))}
          {Object.entries(ROLLING).map(([key, r]) => (
            <option key={key} value={key}>
              {r.label}
            </option>
          ))}
        </AutoSubmitSelect>
        <AutoSubmitSelect name="trend" label="Trend of" defaultValue={trend}>
          {Object.entries(TRENDS).map(([key, t]) => (
            <option key={key} value={key}>
              {t.label}
            </option>
          ))}
        </AutoSubmitSelect>
        <ZonePicker value={timezone} />
        <button type="submit">Show</button>
        <p
          className="muted"
          style={{ margin: 0 }}
          data-testid="period-range"
          data-from={rolling ? iso(windowEnd - len) : summary.periodStart}
          data-to={rolling ? iso(windowEnd) : summary.periodEnd}
        >
          {formatInstant(summary.periodStart, timezone)} – {formatInstant(summary.periodEnd, timezone)} ({timezone})
        </p>
        <nav className="pager" aria-label="Step back and forward in time">
          <Link className="button secondary" href={step(prevAt)} rel="prev" prefetch={false}>
            ← Previous
          </Link>
          {isCurrent ? null : (
            <>
              <Link className="button secondary" href={step(nextAt)} rel="next" prefetch={false}>
                Next →
              </Link>
              <Link className="button secondary" href={step(null)} prefetch={false}>
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
            previousLabel={PREVIOUS_LABEL[choice]}
            storedNow={storedNow}
            mbpsNow={mbpsNow}
          />
          <section className="panel" aria-labelledby="trend-title" data-testid="trend">
            <h2 id="trend-title">
              {TRENDS[trend].label} by backend{' '}
              <span className="muted" style={{ fontSize: '0.9rem', fontWeight: 400 }}>
                one bar per {TREND_GRANULARITY[choice].toLowerCase()} ({timezone})
              </span>
            </h2>
            <BucketChart
              title={`${TRENDS[trend].label} by backend`}
              model={stackedModel({
                points: trendSeries.map((p) => ({ ...p, backend: p.backend ?? '(no backend)' })),
                colors: BACKEND_COLORS,
                unit: unitOf(TRENDS[trend].resourceType),
                range: trendRange,
                granularity: TREND_GRANULARITY[choice],
                timeZone: timezone,
                now: Date.now(),
              })}
            />
          </section>
          <section className="panel" aria-labelledby="live-title">
            <h2 id="live-title">Live bandwidth</h2>
            <BytemeterUrqlProvider>
              <LiveBandwidthChart mbpsNow={mbpsNow} timeZone={timezone} />
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
