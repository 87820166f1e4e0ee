import type { ResourceTracker } from '@bytemeter/tracker';
import { Counter, Gauge, type Registry } from 'prom-client';

const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'idle'] as const;
const LABELS = ['backend', 'type'] as const;

/**
 * Per-backend metrics, refreshed from the database at each scrape: counters from each backend's all-time
 * totals (backend_totals, kept with the rollups, so they are right across restarts and whichever process
 * recorded), gauges from backend state, health and this month's computed cost. Three reads per scrape: the
 * totals (at most backends × 4 rows), the status (backend state and the health window's rollups) and the
 * month's costs (every backend's rollups of this month, and its storage level at the month's start, which
 * is still summed from every earlier day rollup: the one read here that grows with the history).
 * @example const refresh = backendMetrics(registry, tracker); await refresh(); await registry.metrics()
 */
export function backendMetrics(registry: Registry, tracker: ResourceTracker): () => Promise<void> {
  const registers = [registry];
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames: LABELS, registers });
  const upload = counter('bytemeter_backend_upload_bytes_total', 'Bytes uploaded to the backend, all time.');
  const download = counter('bytemeter_backend_download_bytes_total', 'Bytes downloaded from the backend, all time.');
  const calls = counter('bytemeter_backend_api_calls_total', 'API calls recorded against the backend, all time.');
  const failed = counter(
    'bytemeter_backend_api_calls_failed_total',
    'API calls recorded with success=false against the backend, all time.',
  );
  const cost = counter(
    'bytemeter_backend_operation_cost_micros_total',
    'Operation cost recorded with trackCost, in millionths of a dollar, all time.',
  );
  const storage = new Gauge({
    name: 'bytemeter_backend_storage_bytes',
    help: 'Current storage level of the backend in bytes.',
    labelNames: LABELS,
    registers,
  });
  const health = new Gauge({
    name: 'bytemeter_backend_health',
    help: 'Health of the backend: 1 for its current status, 0 for the others.',
    labelNames: [...LABELS, 'status'],
    registers,
  });
  const errorRate = new Gauge({
    name: 'bytemeter_backend_error_rate',
    help: 'Share of failed operations in the health window (0 to 1).',
    labelNames: LABELS,
    registers,
  });
  const lastOperation = new Gauge({
    name: 'bytemeter_backend_last_operation_timestamp_seconds',
    help: 'Unix time of the newest event of the backend.',
    labelNames: LABELS,
    registers,
  });
  // Issue 11's computed cost: a gauge (it restarts at 0 each billing month), only for backends with a plan.
  const computed = new Gauge({
    name: 'bytemeter_backend_computed_cost_this_month_micros',
    help: "Cost computed from the backend's price plan for this month so far (UTC month), in millionths of a dollar.",
    labelNames: LABELS,
    registers,
  });
  const forecast = new Gauge({
    name: 'bytemeter_computed_cost_month_end_forecast_micros',
    help: 'Projected computed cost of every priced backend for the whole month (UTC), in millionths of a dollar.',
    registers,
  });
  const all = [upload, download, calls, failed, cost, storage, health, errorRate, lastOperation, computed, forecast];

  return async () => {
    const [totals, statuses, costs] = await Promise.all([
      tracker.getBackendTotals(),
      tracker.getBackendStatus(),
      tracker.getCosts({ period: 'month', timezone: 'UTC' }),
    ]);
    // Counters are set from the database's totals rather than counted here: reset, then add the total.
    for (const metric of all) metric.reset();
    for (const t of totals) {
      const labels = { backend: t.backend, type: t.backendType };
      upload.inc(labels, t.uploadBytes);
      download.inc(labels, t.downloadBytes);
      calls.inc(labels, t.apiCalls);
      failed.inc(labels, t.failedApiCalls);
      cost.inc(labels, t.operationCostMicros);
    }
    for (const s of Object.values(statuses)) {
      const labels = { backend: s.backend, type: s.backendType };
      storage.set(labels, s.currentStorageUsageBytes);
      errorRate.set(labels, s.errorRate);
      for (const status of HEALTH_STATES) health.set({ ...labels, status }, s.healthStatus === status ? 1 : 0);
      if (s.lastOperationAt !== null) lastOperation.set(labels, Date.parse(s.lastOperationAt) / 1000);
    }
    for (const b of costs.backends) {
      if (b.hasPlan) computed.set({ backend: b.backend, type: b.backendType }, b.computedCostMicros);
    }
    forecast.set(costs.forecast.monthEndMicros);
  };
}
