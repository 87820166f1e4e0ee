import type { HealthStatus } from '@/lib/types';

const LABEL: Record<HealthStatus, string> = {
  HEALTHY: 'Healthy',
  DEGRADED: 'Degraded',
  UNHEALTHY: 'Unhealthy',
  IDLE: 'Idle',
};

/** A health status as a coloured, text-labelled badge (never colour alone). */
export function HealthBadge({ status }: { status: HealthStatus }) {
  return (
    <span className={`badge ${status}`} data-health={status}>
      {LABEL[status]}
    </span>
  );
}
