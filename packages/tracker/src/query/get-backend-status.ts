import { mbpsOf } from '@bytemeter/core';
import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { execScript } from '../db/pg-script.js';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import type { Resolution } from '../rollup/grains.js';
import { toIso } from '../time/zone.js';
import { type BackendStatus, RESOURCE_CODE } from '../types.js';
import { cellBackend, cellResource, coverRanges } from './aggregate.js';
import { BACKENDS_SQL, statusSums, type WindowSums } from './backend-status-sums.js';
import { type BackendRow, loadBackends, selectBackends, toBackendRow } from './backends.js';
import { type HealthThresholds, judgeHealth, operationsIn, type ResourceCounts } from './health.js';

/** Bandwidth "now" is what moved in the last 60 s. */
export const BANDWIDTH_WINDOW_MS = 60_000;
const UPLOAD = RESOURCE_CODE.bandwidth_upload;
const DOWNLOAD = RESOURCE_CODE.bandwidth_download;
const API_CALLS = RESOURCE_CODE.api_calls;
/** The health window counts every event resource (class rows count calls already counted). */
const EVENT_RESOURCES: readonly number[] = Object.values(RESOURCE_CODE);

/** Bytes over the bandwidth window as 10^6 bits per second. */
export const toMbps = (bytes: number, windowMs = BANDWIDTH_WINDOW_MS): number => mbpsOf(bytes, windowMs);

/**
 * Status of every backend (or the one named): health from the health window, bandwidth over the last
 * 60 s, storage level and failures in a row from the O(1) backend state.
 */
export function* getBackendStatusPlan(
  db: Kysely<Database>,
  backend: string | undefined,
  now: number,
  health: HealthThresholds,
  res: Resolution,
): Plan<Record<string, BackendStatus>> {
  const windows = [
    { from: now + 1 - health.windowMs, to: now + 1, resources: EVENT_RESOURCES },
    { from: now + 1 - BANDWIDTH_WINDOW_MS, to: now + 1, resources: [UPLOAD, DOWNLOAD] },
  ];
  let all: BackendRow[];
  let windowCells: ReadonlyMap<number, WindowSums>[];
  if (isPostgres(db)) {
    // One script: the backends and both windows' sums of every backend, in the read's BEGIN and COMMIT
    // (see statusSums: a named backend is picked from them here, not by a parameter).
    const sums = statusSums(windows, res, now);
    const script = sums.statement === undefined ? [BACKENDS_SQL] : [BACKENDS_SQL, sums.statement];
    const [backendRows, sumRows] = yield* execScript(script, true);
    all = (backendRows as Parameters<typeof toBackendRow>[0][]).map(toBackendRow);
    windowCells = sums.cells(sumRows);
  } else {
    all = yield* loadBackends(db);
    const chosen = selectBackends(all, backend);
    if (chosen.length === 0) return {};
    const backendIds = backend === undefined ? undefined : chosen.map((b) => b.id);
    const sums = statusSums(windows, res, now, { bind: true, ...(backendIds ? { backendIds } : {}) });
    windowCells = sums.cells(
      sums.statement === undefined ? [] : yield* exec(CompiledQuery.raw(sums.statement, sums.parameters)),
    );
  }
  const backends = selectBackends(all, backend);
  const out: Record<string, BackendStatus> = {};
  if (backends.length === 0) return out;
  const window = windowCells[0]!;
  const recent = windowCells[1]!;
  // Events per resource of each backend, API calls apart; operationsIn turns them into operations.
  const calls = new Map<number, ResourceCounts>();
  const others = new Map<number, ResourceCounts[]>();
  for (const [key, cell] of window) {
    const id = cellBackend(key);
    const counts = { count: cell.count, failures: cell.failures };
    if (cellResource(key) === API_CALLS) calls.set(id, counts);
    else others.set(id, [...(others.get(id) ?? []), counts]);
  }
  const bytes = new Map<number, { up: number; down: number }>();
  for (const [key, cell] of recent) {
    const id = cellBackend(key);
    const b = bytes.get(id) ?? { up: 0, down: 0 };
    if (cellResource(key) === UPLOAD) b.up += cell.total;
    else b.down += cell.total;
    bytes.set(id, b);
  }
  const covered = coverRanges([windows[1]!], res).covered[0]!;
  const span = covered.to - covered.from || BANDWIDTH_WINDOW_MS;
  for (const b of backends) {
    const o = operationsIn(calls.get(b.id), others.get(b.id) ?? []);
    const moved = bytes.get(b.id) ?? { up: 0, down: 0 };
    const { status, errorRate, reason } = judgeHealth(o.count, o.failures, b.consecutiveFailures, health);
    out[b.name] = {
      backend: b.name,
      backendType: b.type,
      isActive: b.lastEventAt !== null && b.lastEventAt >= now - health.activeWindowMs,
      healthStatus: status,
      healthReason: reason,
      errorRate,
      consecutiveFailures: b.consecutiveFailures,
      currentBandwidthUsageMbps: toMbps(moved.up + moved.down, span),
      currentUploadMbps: toMbps(moved.up, span),
      currentDownloadMbps: toMbps(moved.down, span),
      currentStorageUsageBytes: b.storageLevel,
      currentStorageUsageGb: b.storageLevel / 2 ** 30,
      lastOperationAt: b.lastEventAt === null ? null : toIso(b.lastEventAt),
    };
  }
  return out;
}
