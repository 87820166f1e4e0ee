import type { ChartModel } from '@/lib/chart-model';
import { exactValue } from '@/lib/chart-model';
import { formatInstant } from '@/lib/format';

/**
 * The chart's numbers as a table: one row per API bucket, the same data the canvas draws. It is what the
 * page shows without JavaScript (open), and stays one click away beside the drawn chart (closed).
 */
export function ChartNumbers({ title, model, open }: { title: string; model: ChartModel; open: boolean }) {
  const { buckets, series, unit, timeZone, kind } = model;
  const single = series.length === 1 ? series[0] : undefined;
  return (
    <details className="chart-numbers" open={open}>
      <summary>{title}: the numbers</summary>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{kind === 'line' ? 'Bucket (level at its end)' : 'Bucket'}</th>
              {series.map((s) => (
                <th key={s.label} className="num">
                  {s.label}
                </th>
              ))}
              {series.length > 1 ? <th className="num">Total</th> : null}
            </tr>
          </thead>
          <tbody>
            {buckets.length === 0 ? (
              <tr>
                <td colSpan={series.length + 1}>No data in this range</td>
              </tr>
            ) : null}
            {buckets.map((b, i) => (
              <tr
                key={b.t}
                data-t={b.t}
                data-v={single?.values[i]}
                data-total={series.reduce((sum, s) => sum + s.values[i]!, 0)}
                data-partial={b.partial ? 'true' : undefined}
                className={b.partial ? 'partial' : undefined}
              >
                <td>
                  {formatInstant(b.t, timeZone)}–{formatInstant(new Date(b.end).toISOString(), timeZone)}
                  {b.partial ? ' (partial, still filling)' : ''}
                </td>
                {series.map((s) => (
                  <td key={s.label} className="num">
                    {exactValue(unit, s.values[i]!)}
                  </td>
                ))}
                {series.length > 1 ? (
                  <td className="num">
                    {exactValue(
                      unit,
                      series.reduce((sum, s) => sum + s.values[i]!, 0),
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
