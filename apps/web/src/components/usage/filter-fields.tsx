import { BACKEND_TYPES, RESOURCE_TYPES } from '@/lib/types';
import { HOURS_CHOICES, type UsageFilters } from '@/lib/usage-filters';
import { isoToZonedLocal } from '@/lib/zoned-time';

const HOURS_LABEL: Record<number, string> = {
  1: 'Last hour',
  6: 'Last 6 hours',
  24: 'Last 24 hours',
  168: 'Last 7 days',
  720: 'Last 30 days',
  2160: 'Last 90 days',
};

/** The labelled filter controls shared by the explorer and the export form. */
export function FilterFields({
  filters,
  backends,
  timeZone,
}: {
  filters: UsageFilters;
  backends: string[];
  /** The viewer's zone: from/to are entered and shown in it (24-hour). */
  timeZone: string;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor="filter-backend">Backend</label>
        <select id="filter-backend" name="backend" defaultValue={filters.backend ?? ''}>
          <option value="">All backends</option>
          {backends.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-type">Backend type</label>
        <select id="filter-type" name="type" defaultValue={filters.backendType ?? ''}>
          <option value="">All types</option>
          {BACKEND_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-resource">Resource</label>
        <select id="filter-resource" name="resource" defaultValue={filters.resourceType ?? ''}>
          <option value="">All resources</option>
          {RESOURCE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-result">Result</label>
        <select
          id="filter-result"
          name="result"
          defaultValue={filters.success === undefined ? '' : filters.success ? 'ok' : 'failed'}
        >
          <option value="">All results</option>
          <option value="failed">Failed only</option>
          <option value="ok">Succeeded only</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-path">Path starts with</label>
        <input
          id="filter-path"
          type="search"
          name="path"
          placeholder="e.g. photos/2026/"
          defaultValue={filters.pathPrefix ?? ''}
          maxLength={4096}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-hours">Time range</label>
        <select id="filter-hours" name="hours" defaultValue={String(filters.hoursBack)}>
          {HOURS_CHOICES.map((h) => (
            <option key={h} value={h}>
              {HOURS_LABEL[h]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-from">From ({timeZone}, optional)</label>
        <input
          id="filter-from"
          type="datetime-local"
          name="from"
          defaultValue={filters.range ? isoToZonedLocal(filters.range.from, timeZone) : ''}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-to">To ({timeZone}, optional)</label>
        <input
          id="filter-to"
          type="datetime-local"
          name="to"
          defaultValue={filters.range ? isoToZonedLocal(filters.range.to, timeZone) : ''}
        />
      </div>
    </>
  );
}
