import type { HealthStatus } from '@/lib/types';

const LABEL: Record<HealthStatus, string> = {
  HEALTHY: 'Healthy',
  DEGRADED: 'Degraded',
  UNHEALTHY: 'Unhealthy',
  IDLE: 'Idle',
};

/** A health status as a coloured, text-labelled badge (never colour alone). */
/** `reason` (the status's healthReason, e.g. "3 of 120 calls failed in the last 15 min.") shows on hover. */
export function HealthBadge({ status, reason }: { status: HealthStatus; reason?: string }) {
  return (
    <span className={`badge ${status}`} data-health={status} title={reason}>
      {LABEL[status]}
    </span>
  );
}
