import { ApiDown } from '@/components/api-down';
import { AutoRefresh } from '@/components/auto-refresh';
import { AutoSubmitSelect } from '@/components/auto-submit-select';
import { BucketChart } from '@/components/charts/bucket-chart';
import { MonthCostCards } from '@/components/cost/month-cost-cards';
import { EmptyState } from '@/components/empty-state';
import { CUSTOM_RANGE, DateRangePicker } from '@/components/fields/date-range-picker';
import { LiveBandwidthChart } from '@/components/live-bandwidth-chart';
import { BackendsTable } from '@/components/overview/backends-table';
import { TotalsCards } from '@/components/overview/totals-cards';
import { PeriodRange } from '@/components/period-range';
import { TimeStepper } from '@/components/time-stepper';
import { BytemeterUrqlProvider } from '@/components/urql-provider';
import { ZonePicker } from '@/components/zone-picker';
import { BACKEND_COLORS, stackedModel, unitOf } from '@/lib/chart-model';
import { customRange, parseAt } from '@/lib/ranges';
import { getBackendStatus, getCosts, getTimeSeries, getUsageSummary, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import { type Granularity, PERIODS, type Period, type ResourceType } from '@/lib/types';
import { isoToZonedLocal } from '@/lib/zoned-time';

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

const PREVIOUS_LABEL: Record<Period | Rolling | typeof CUSTOM_RANGE, string> = {
  HOUR: 'the hour before',
  DAY: 'the day before',
  WEEK: 'the week before',
  MONTH: 'the month before',
  ...Object.fromEntries(Object.entries(ROLLING).map(([k, r]) => [k, r.before])),
  custom: 'the same span before',
} as Record<Period | Rolling | typeof CUSTOM_RANGE, string>;

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

const iso = (ms: number) => new Date(ms).toISOString();

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const periodParam = first(params.period)?.toUpperCase();
  const timezone = await chosenZone(first(params.tz));
  // ?period=custom&from=…&to=…: wall times in the zone, as on the backend page. A bad pair says why and
  // shows today instead.
  const custom =
    first(params.period) === CUSTOM_RANGE ? customRange(first(params.from), first(params.to), timezone) : null;
  const customError = custom && 'error' in custom ? custom.error : null;
  const customOk = custom && !('error' in custom) ? custom : null;
  const rolling = periodParam && periodParam in ROLLING ? (periodParam as Rolling) : null;
  const period: Period = PERIODS.includes(periodParam as Period) ? (periodParam as Period) : 'DAY';
  const choice = customOk ? CUSTOM_RANGE : (rolling ?? period);
  const granularity = customOk ? customOk.granularity : TREND_GRANULARITY[rolling ?? period];
  const trendParam = first(params.trend);
  const trend: Trend = trendParam && trendParam in TRENDS ? (trendParam as Trend) : 'upload';
  const at = parseAt(first(params.at));
  // A rolling window ends at the next minute after `at` (default now), a custom one where it was asked to;
  // the window before either ends where it starts.
  const windowEnd = customOk
    ? Date.parse(customOk.to)
    : Math.ceil(((at ? Date.parse(at) : Date.now()) + 1) / 60_000) * 60_000;
  const len = customOk ? windowEnd - Date.parse(customOk.from) : rolling ? ROLLING[rolling].ms : 0;
  const trendOf = (range: { from: string; to: string }) =>
    getTimeSeries({ resourceType: TRENDS[trend].resourceType, granularity, range, timezone });
  const data = await loadOrDown(async () => {
    // This month's computed cost and forecast, whatever period the cards show.
    const monthCost = getCosts({ period: 'MONTH', timezone });
    if (len > 0) {
      const range = { from: iso(windowEnd - len), to: iso(windowEnd) };
      const [summary, previous, statuses, trendSeries, cost] = await Promise.all([
        getUsageSummary({ timezone, range }),
        getUsageSummary({ timezone, range: { from: iso(windowEnd - 2 * len), to: iso(windowEnd - len) } }),
        getBackendStatus(),
        trendOf(range),
        monthCost,
      ]);
      return [summary, previous, statuses, trendSeries, range, cost] as const;
    }
    const summary = await getUsageSummary({ period, timezone, ...(at ? { at } : {}) });
    // The period before this one: the API's own period that holds the instant just before this start.
    const previousAt = new Date(Date.parse(summary.periodStart) - 1).toISOString();
    const range = { from: summary.periodStart, to: summary.periodEnd };
    const [previous, statuses, trendSeries, cost] = await Promise.all([
      getUsageSummary({ period, timezone, at: previousAt }),
      getBackendStatus(),
      trendOf(range),
      monthCost,
    ]);
    return [summary, previous, statuses, trendSeries, range, cost] as const;
  });
  if ('down' in data) {
    return (
      <>
        <h1>Overview</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [summary, previous, statuses, trendSeries, trendRange, monthCost] = data.value;
  const step = (instant: string | null) => {
    // No tz: the zone cookie carries it. A tz here made every prefetch of these links re-set the cookie to
    // the zone of the render that drew them (UTC before the browser's zone was known).
    const q = new URLSearchParams({ period: choice });
    if (trend !== 'upload') q.set('trend', trend);
    if (customOk) {
      // A custom range steps by its own length: the window ending at `instant` (Now: at the next minute).
      const end = instant ? Date.parse(instant) : Math.ceil((Date.now() + 1) / 60_000) * 60_000;
      q.set('from', isoToZonedLocal(iso(end - len), timezone));
      q.set('to', isoToZonedLocal(iso(end), timezone));
    } else if (instant) q.set('at', instant);
    return `/?${q}`;
  };
  // Calendar periods step to an instant inside the neighbour period; rolling windows to the neighbour's end
  // (less a minute, which the window rounds up again); custom windows to the neighbour's exact end.
  const slack = customOk ? 0 : 60_000;
  const prevAt = len > 0 ? iso(windowEnd - len - slack) : previous.periodStart;
  const nextAt = len > 0 ? iso(windowEnd + len - slack) : summary.periodEnd;
  const isCurrent = len > 0 ? windowEnd >= Date.now() : Date.parse(summary.periodEnd) > Date.now();
  const storedNow = statuses.reduce((s, b) => s + b.currentStorageUsageBytes, 0);
  const mbpsNow = statuses.reduce((s, b) => s + b.currentBandwidthUsageMbps, 0);
  return (
    <>
      <h1>Overview</h1>
      <form className="toolbar" method="get" aria-label="Display options">
        {/* The same range chooser as the backend page: calendar periods, rolling windows, or From – To. */}
        <DateRangePicker
          name="period"
          label="Period"
          choices={[
            ...PERIODS.map((p) => ({ value: p, label: PERIOD_LABEL[p] })),
            ...Object.entries(ROLLING).map(([value, r]) => ({ value, label: r.label })),
          ]}
          selected={custom ? CUSTOM_RANGE : choice}
          range={trendRange}
          typed={customError ? { from: first(params.from), to: first(params.to) } : undefined}
          timeZone={timezone}
        />
        <AutoSubmitSelect name="trend" label="Trend of" defaultValue={trend}>
          {Object.entries(TRENDS).map(([key, t]) => (
            <option key={key} value={key}>
              {t.label}
            </option>
          ))}
        </AutoSubmitSelect>
        <ZonePicker value={timezone} />
        <button type="submit">Show</button>
        <PeriodRange range={trendRange} timeZone={timezone} />
        <TimeStepper prev={step(prevAt)} next={step(nextAt)} now={step(null)} isCurrent={isCurrent} />
        {at ? <input type="hidden" name="at" value={at} /> : null}
      </form>
      {customError ? (
        <p className="error" role="alert" data-testid="range-error">
          {customError} Showing {PERIOD_LABEL.DAY.toLowerCase()} instead.
        </p>
      ) : null}
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
          <MonthCostCards report={monthCost} />
          <section className="panel" aria-labelledby="trend-title" data-testid="trend">
            <h2 id="trend-title">
              {TRENDS[trend].label} by backend{' '}
              <span className="muted" style={{ fontSize: '0.9rem', fontWeight: 400 }}>
                one bar per {granularity.toLowerCase()} ({timezone})
              </span>
            </h2>
            <BucketChart
              title={`${TRENDS[trend].label} by backend`}
              model={stackedModel({
                points: trendSeries.map((p) => ({ ...p, backend: p.backend ?? '(no backend)' })),
                colors: BACKEND_COLORS,
                unit: unitOf(TRENDS[trend].resourceType),
                range: trendRange,
                granularity,
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
