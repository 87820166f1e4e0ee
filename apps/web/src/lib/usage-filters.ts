import { first } from './time-zones';
import { BACKEND_TYPES, type BackendType, RESOURCE_TYPES, type ResourceType } from './types';
import { isoToZonedLocal, zonedLocalToIso } from './zoned-time';

export const HOURS_CHOICES = [1, 6, 24, 168, 720, 2160] as const;

export interface UsageFilters {
  backend?: string;
  backendType?: BackendType;
  resourceType?: ResourceType;
  hoursBack: number;
  /** An explicit range (instants) overrides hoursBack when both ends are given. */
  range?: { from: string; to: string };
  /** Only failed (false) or only successful (true) operations; from `result=failed|ok`. */
  success?: boolean;
  /** Only events whose path starts with this text (exact, case-sensitive); from `path`. */
  pathPrefix?: string;
}

/** The result filter's URL words and what they ask the API for. */
export const RESULT_CHOICES = { failed: false, ok: true } as const;

type Params = Record<string, string | string[] | undefined>;

/**
 * The explorer's and export's filters from the URL; anything unknown falls back to "all". from/to are
 * wall-clock times in `timeZone` (the viewer's zone).
 * @example parseUsageFilters({ backend: 'photos', resource: 'API_CALLS', hours: '24' }, 'Europe/Berlin')
 */
export function parseUsageFilters(params: Params, timeZone = 'UTC'): UsageFilters {
  const backend = first(params.backend) || undefined;
  const type = first(params.type);
  const resource = first(params.resource);
  const hours = Number(first(params.hours));
  const from = zonedLocalToIso(first(params.from), timeZone);
  const to = zonedLocalToIso(first(params.to), timeZone);
  const result = first(params.result);
  const pathPrefix = first(params.path) || undefined;
  return {
    ...(backend ? { backend } : {}),
    ...(BACKEND_TYPES.includes(type as BackendType) ? { backendType: type as BackendType } : {}),
    ...(RESOURCE_TYPES.includes(resource as ResourceType) ? { resourceType: resource as ResourceType } : {}),
    hoursBack: (HOURS_CHOICES as readonly number[]).includes(hours) ? hours : 24,
    ...(from && to && from < to ? { range: { from, to } } : {}),
    ...(result === 'failed' || result === 'ok' ? { success: RESULT_CHOICES[result] } : {}),
    ...(pathPrefix ? { pathPrefix } : {}),
  };
}

/** The filters back as a query string (without pagination). @example filterQuery(f) // 'backend=photos&hours=24' */
export function filterQuery(f: UsageFilters, timeZone = 'UTC'): URLSearchParams {
  const q = new URLSearchParams();
  if (f.backend) q.set('backend', f.backend);
  if (f.backendType) q.set('type', f.backendType);
  if (f.resourceType) q.set('resource', f.resourceType);
  q.set('hours', String(f.hoursBack));
  if (f.range) {
    q.set('from', isoToZonedLocal(f.range.from, timeZone));
    q.set('to', isoToZonedLocal(f.range.to, timeZone));
  }
  if (f.success !== undefined) q.set('result', f.success ? 'ok' : 'failed');
  if (f.pathPrefix) q.set('path', f.pathPrefix);
  return q;
}
