import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiDown } from '@/components/api-down';
import { QuotaBars } from '@/components/budgets/quota-bar';
import { BucketChart } from '@/components/charts/bucket-chart';
import { CUSTOM_RANGE, DateRangePicker } from '@/components/fields/date-range-picker';
import { HealthBadge } from '@/components/health-badge';
import { OperationsTable } from '@/components/usage/operations-table';
import { ZonePicker } from '@/components/zone-picker';
import { barModel, unitOf } from '@/lib/chart-model';
import { formatBytes, formatMbps } from '@/lib/format';
import { groupOperations } from '@/lib/operations';
import { customRange, parseRangeKey, RANGES, rangeFor } from '@/lib/ranges';
import { getBudgets } from '@/lib/server/budgets';
import { getBackendStatus, getTimeSeries, getUsagePage, getUsageSummary, loadOrDown } from '@/lib/server/bytemeter';
import { chosenZone } from '@/lib/server/zone';
import { first } from '@/lib/time-zones';
import type { ResourceType, SeriesPoint } from '@/lib/types';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

const SERIES: { type: ResourceType; title: string; color: string }[] = [
  { type: 'BANDWIDTH_UPLOAD', title: 'Uploaded', color: '--up' },
  { type: 'BANDWIDTH_DOWNLOAD', title: 'Downloaded', color: '--down' },
  { type: 'API_CALLS', title: 'API calls', color: '--calls' },
  { type: 'OPERATION_COST', title: 'Cost', color: '--cost' },
];

/** The API's buckets as they came (one backend, so one point per bucket): never re-bucketed here. */
function toPoints(series: SeriesPoint[]): { t: string; v: number }[] {
  return series.map((p) => ({ t: p.bucketStart, v: p.totalAmount }));
}

export default async function BackendPage({ params, searchParams }: Props) {
  const name = decodeURIComponent((await params).name);
  const sp = await searchParams;
  const rangeParam = first(sp.range);
  const rangeKey = parseRangeKey(rangeParam);
  const timezone = await chosenZone(first(sp.tz));
  const now = Date.now();
  // ?range=custom&from=…&to=…: wall times in the page's zone. A bad pair says why and draws the default range.
  const custom = rangeParam === CUSTOM_RANGE ? customRange(first(sp.from), first(sp.to), timezone) : null;
  const customError = custom && 'error' in custom ? custom.error : null;
  const { from, to, granularity } = custom && !('error' in custom) ? custom : rangeFor(rangeKey, now);
  const range = { from, to };
  // A range that ended in the past: the level at its end is today's minus what changed since.
  const endsBefore = Date.parse(to) < now;
  const data = await loadOrDown(() =>
    Promise.all([
      getBackendStatus(name),
      getTimeSeries({ resourceType: 'STORAGE_USED', granularity, range, timezone, backend: name }),
      // Enough events for about 20 operations (a write is 3 events); the oldest one may be cut at the page's edge.
      getUsagePage({ backend: name, hoursBack: 24 * 90, first: 60 }),
      endsBefore
        ? getUsageSummary({ timezone, range: { from: to, to: new Date(now + 60_000).toISOString() }, backend: name })
        : null,
      getBudgets(),
      ...SERIES.map((s) => getTimeSeries({ resourceType: s.type, granularity, range, timezone, backend: name })),
    ] as const),
  );
  if ('down' in data) {
    return (
      <>
        <h1>{name}</h1>
        <ApiDown url={data.down} />
      </>
    );
  }
  const [statuses, storage, recent, since, budgets, ...series] = data.value;
  const status = statuses[0];
  if (!status) notFound();
  // Storage level at the end of each API bucket: the level now, minus the changes in later buckets.
  let level = status.currentStorageUsageBytes - (since?.totals.storageUsed ?? 0);
  const levels: { t: string; v: number }[] = [];
  for (let i = storage.length - 1; i >= 0; i--) {
    levels.unshift({ t: storage[i]!.bucketStart, v: level });
    level -= storage[i]!.totalAmount;
  }
  return (
    <>
      <p style={{ margin: 0 }}>
        <Link href="/">← Overview</Link>
      </p>
      <h1>
        {name}{' '}
        <span className="muted" style={{ fontSize: '1rem' }}>
          {status.backendType}
        </span>{' '}
        <HealthBadge status={status.healthStatus} reason={status.healthReason} />
      </h1>
      <dl className="cards" data-testid="backend-status">
        <div className="card">
          <dt>Stored now</dt>
          <dd data-testid="stored-now">{formatBytes(status.currentStorageUsageBytes)}</dd>
        </div>
        <div className="card">
          <dt>Bandwidth now</dt>
          <dd>{formatMbps(status.currentBandwidthUsageMbps)}</dd>
        </div>
        <div className="card">
          <dt>Error rate</dt>
          <dd data-testid="error-rate">{(status.errorRate * 100).toFixed(1)}%</dd>
        </div>
      </dl>
      <QuotaBars budgets={budgets.filter((b) => b.backend === name)} timeZone={timezone} />
      <form className="toolbar" method="get" aria-label="Chart options">
        {/* The range's bounds as 24-hour wall times in the page's zone; they apply when Range is Custom. */}
        <DateRangePicker
          name="range"
          label="Range"
          choices={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
          selected={custom ? CUSTOM_RANGE : rangeKey}
          range={range}
          typed={customError ? { from: first(sp.from), to: first(sp.to) } : undefined}
          timeZone={timezone}
        />
        <ZonePicker value={timezone} />
        <button type="submit">Show</button>
        <p className="muted" style={{ margin: 0 }}>
          One bar per {granularity.toLowerCase()} ({timezone})
        </p>
      </form>
      {customError ? (
        <p className="error" role="alert" data-testid="range-error">
          {customError} Showing {RANGES[rangeKey].label.toLowerCase()} instead.
        </p>
      ) : null}
      <div className="grid2">
        {SERIES.map((s, i) => (
          <section className="panel" key={s.type} aria-label={s.title} data-series={s.type}>
            <h2>{s.title}</h2>
            <BucketChart
              title={s.title}
              model={barModel({
                points: toPoints(series[i]!),
                label: s.title,
                color: s.color,
                unit: unitOf(s.type),
                range,
                granularity,
                timeZone: timezone,
                now,
              })}
            />
          </section>
        ))}
        <section className="panel" aria-label="Storage level">
          <h2>Storage level</h2>
          {/* A level, not an amount: its scale spans its own movement instead of starting at zero. */}
          <BucketChart
            title="Stored"
            model={barModel({
              points: levels,
              startLevel: level,
              kind: 'line',
              label: 'Stored',
              color: '--stored',
              unit: 'BYTES',
              range,
              granularity,
              timeZone: timezone,
              now,
            })}
          />
        </section>
      </div>
      <section className="panel" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent operations</h2>
        <OperationsTable operations={groupOperations(recent.nodes)} timeZone={timezone} />
        <p className="muted">
          <Link href={`/usage?backend=${encodeURIComponent(name)}`}>All events of {name} →</Link>
        </p>
      </section>
    </>
  );
}
