import type { Metadata } from 'next';
import { ApiDown } from '@/components/api-down';
import { BucketChart } from '@/components/charts/bucket-chart';
import { BackendCosts } from '@/components/cost/backend-costs';
import { NoPlanHint } from '@/components/cost/no-plan-hint';
import { PeriodRange } from '@/components/period-range';
import { TimeStepper } from '@/components/time-stepper';
import { ZonePicker } from '@/components/zone-picker';
import { BACKEND_COLORS, stackedModel } from '@/lib/chart-model';
import { daysOf } from '@/lib/cost-days';
import { formatDollars, formatInstant } from '@/lib/format';
import { parseAt } from '@/lib/ranges';
import { getCosts, getDailyCosts, getPricePlanTemplates, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Cost' };

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * What the storage backends cost this month (or the month holding ?at=) in the chosen zone: computed from
 * the price plans beside what the application reported, by backend and resource, per day, and the
 * month-end forecast with its method. Every number is the API's `costs` answer as it came.
 */
export default async function CostPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const timezone = await chosenZone(first(params.tz));
  const at = parseAt(first(params.at));
  const now = Date.now();
  const data = await loadOrDown(async () => {
    const [report, templates] = await Promise.all([
      getCosts({ period: 'MONTH', timezone, ...(at ? { at } : {}) }),
      getPricePlanTemplates(),
    ]);
    const days = daysOf({ from: report.periodStart, to: report.periodEnd }, timezone, now);
    return { report, templates, days, daily: await getDailyCosts(days, timezone) };
  });
  if ('down' in data) {
    return (
      <>
        <h1>Cost</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const { report, templates, days, daily } = data.value;
  const range = { from: report.periodStart, to: report.periodEnd };
  // The month's name on its own wall clock (its first day, read in the zone).
  const monthName = MONTH.format(new Date(`${formatInstant(report.periodStart, timezone).slice(0, 10)}T12:00:00Z`));
  const isCurrent = Date.parse(report.periodEnd) > now;
  const step = (instant: string | null) => (instant ? `/cost?${new URLSearchParams({ at: instant })}` : '/cost');
  const priced = report.backends.filter((b) => b.hasPlan);
  const unpriced = report.backends.filter((b) => !b.hasPlan).map((b) => b.backend);
  // A backend's computed cost on each day; backends that cost nothing all month are left out of the stack.
  const charged = new Set(
    daily.flatMap((d) => d.backends.filter((b) => b.computedCostMicros !== 0).map((b) => b.backend)),
  );
  const points = days.flatMap((day, i) =>
    daily[i]!.backends.filter((b) => charged.has(b.backend)).map((b) => ({
      bucketStart: day.from,
      backend: b.backend,
      totalAmount: b.computedCostMicros,
    })),
  );
  return (
    <>
      <h1>Cost</h1>
      <form className="toolbar" method="get" aria-label="Display options">
        <ZonePicker value={timezone} />
        <button type="submit">Show</button>
        <PeriodRange range={range} timeZone={timezone} label={monthName} />
        <TimeStepper
          prev={step(new Date(Date.parse(report.periodStart) - 1).toISOString())}
          next={step(report.periodEnd)}
          now={step(null)}
          isCurrent={isCurrent}
          unit="month"
          nowLabel="This month"
        />
        {at ? <input type="hidden" name="at" value={at} /> : null}
      </form>
      <dl className="cards" data-testid="cost-cards">
        <div className="card">
          <dt>Computed{isCurrent ? ' so far' : ''}</dt>
          <dd data-testid="computed-month" data-value={report.computedTotalMicros}>
            {formatDollars(report.computedTotalMicros)}
          </dd>
          <dd className="change muted">
            from the price plans of {priced.length} of {report.backends.length} backends
          </dd>
        </div>
        <div className="card">
          <dt>Reported{isCurrent ? ' so far' : ''}</dt>
          <dd data-testid="reported-month" data-value={report.reportedTotalMicros}>
            {formatDollars(report.reportedTotalMicros)}
          </dd>
          <dd className="change muted">what the application tracked itself</dd>
        </div>
        <div className="card">
          <dt>Month-end forecast</dt>
          <dd data-testid="forecast" data-value={report.forecast.monthEndMicros}>
            {formatDollars(report.forecast.monthEndMicros)}
          </dd>
          <dd className="change muted">computed, projected to the month&apos;s end</dd>
        </div>
      </dl>
      <p className="muted" data-testid="forecast-method">
        <strong>How the forecast is made:</strong> {report.forecast.method}
      </p>
      <section className="panel" aria-labelledby="by-backend-title">
        <h2 id="by-backend-title">By backend, computed vs reported</h2>
        <NoPlanHint backends={unpriced} templates={templates} />
        {report.backends.length === 0 ? <p>No backend has recorded anything yet.</p> : <BackendCosts report={report} />}
      </section>
      <section className="panel" aria-labelledby="daily-title" data-testid="daily">
        <h2 id="daily-title">
          Computed cost per day{' '}
          <span className="muted" style={{ fontSize: '0.9rem', fontWeight: 400 }}>
            by backend ({timezone}); each day is priced on its own, so the days can differ from the month by the
            rounding of each line to the micro
          </span>
        </h2>
        <BucketChart
          title="Computed cost per day"
          model={stackedModel({
            points,
            colors: BACKEND_COLORS,
            unit: 'DOLLARS',
            range,
            granularity: 'DAY',
            timeZone: timezone,
            now,
          })}
        />
      </section>
    </>
  );
}
