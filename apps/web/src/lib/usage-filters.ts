import { first } from './time-zones';
import { BACKEND_TYPES, type BackendType, RESOURCE_TYPES, type ResourceType } from './types';

export const HOURS_CHOICES = [1, 6, 24, 168, 720, 2160] as const;

export interface UsageFilters {
  backend?: string;
  backendType?: BackendType;
  resourceType?: ResourceType;
  hoursBack: number;
  /** An explicit range (UTC) overrides hoursBack when both ends are given. */
  range?: { from: string; to: string };
}

type Params = Record<string, string | string[] | undefined>;

/** `datetime-local` input (read as UTC) to RFC 3339, or undefined when empty or invalid. */
function utcInstant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The explorer's and export's filters from the URL; anything unknown falls back to "all".
 * @example parseUsageFilters({ backend: 'photos', resource: 'API_CALLS', hours: '24' })
 */
export function parseUsageFilters(params: Params): UsageFilters {
  const backend = first(params.backend) || undefined;
  const type = first(params.type);
  const resource = first(params.resource);
  const hours = Number(first(params.hours));
  const from = utcInstant(first(params.from));
  const to = utcInstant(first(params.to));
  return {
    ...(backend ? { backend } : {}),
    ...(BACKEND_TYPES.includes(type as BackendType) ? { backendType: type as BackendType } : {}),
    ...(RESOURCE_TYPES.includes(resource as ResourceType) ? { resourceType: resource as ResourceType } : {}),
    hoursBack: (HOURS_CHOICES as readonly number[]).includes(hours) ? hours : 24,
    ...(from && to && from < to ? { range: { from, to } } : {}),
  };
}

/** The filters back as a query string (without pagination). @example filterQuery(f) // 'backend=photos&hours=24' */
export function filterQuery(f: UsageFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.backend) q.set('backend', f.backend);
  if (f.backendType) q.set('type', f.backendType);
  if (f.resourceType) q.set('resource', f.resourceType);
  q.set('hours', String(f.hoursBack));
  if (f.range) {
    q.set('from', f.range.from.slice(0, 16));
    q.set('to', f.range.to.slice(0, 16));
  }
  return q;
}
