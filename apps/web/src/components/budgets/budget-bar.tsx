import { budgetLevel } from '@bytemeter/core';
import styles from './budgets.module.css';

/**
 * One horizontal bar: `percent` of the limit (drawn up to 100%, the text says more), a tick at each threshold.
 * An accessible meter: its name and value are read out, not only its colour.
 * @example <BudgetBar label="This month" percent={72.4} valueText="$144.80 of $200.00" thresholds={[50, 80, 100]} />
 */
export function BudgetBar({
  label,
  percent,
  valueText,
  thresholds,
  kind = 'actual',
  testId,
}: {
  label: string;
  percent: number;
  valueText: string;
  thresholds: readonly number[];
  kind?: 'actual' | 'forecast' | 'quota';
  testId?: string;
}) {
  const shown = Math.max(0, Math.min(100, percent));
  return (
    <div className={styles.bar} data-testid={testId} data-percent={percent.toFixed(1)}>
      <div className={styles.barLabel}>
        <span>{label}</span>
        <span>
          {valueText} · <strong>{percent.toFixed(1)}%</strong>
        </span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a <meter> cannot hold the threshold ticks drawn over the track. */}
      <div
        className={styles.track}
        role="meter"
        aria-label={`${label}: ${valueText}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Number(shown.toFixed(1))}
        aria-valuetext={`${percent.toFixed(1)}% (${valueText})`}
      >
        <div
          className={styles.fill}
          data-kind={kind}
          // Green under the first threshold, amber from it, red from the last or the limit: core's rule, as the CLI colours it.
          data-level={budgetLevel(percent, thresholds)}
          style={{ width: `${shown}%` }}
        />
        {thresholds
          .filter((t) => t < 100)
          .map((t) => (
            <span key={t} className={styles.tick} style={{ left: `${t}%` }} title={`${t}% threshold`} />
          ))}
      </div>
    </div>
  );
}
