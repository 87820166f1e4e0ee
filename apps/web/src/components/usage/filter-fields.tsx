import { DateTimeField } from '@/components/fields/date-time-field';
import { SelectField } from '@/components/fields/select-field';
import { BACKEND_TYPES, RESOURCE_TYPES } from '@/lib/types';
import { HOURS_CHOICES, type UsageFilters } from '@/lib/usage-filters';

const HOURS_LABEL: Record<number, string> = {
  1: 'Last hour',
  6: 'Last 6 hours',
  24: 'Last 24 hours',
  168: 'Last 7 days',
  720: 'Last 30 days',
  2160: 'Last 90 days',
};

const RESULT_LABEL = { failed: 'Failed only', ok: 'Succeeded only' };

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
      <SelectField
        id="filter-backend"
        name="backend"
        label="Backend"
        all="All backends"
        choices={backends}
        value={filters.backend}
      />
      <SelectField
        id="filter-type"
        name="type"
        label="Backend type"
        all="All types"
        choices={BACKEND_TYPES}
        value={filters.backendType}
      />
      <SelectField
        id="filter-resource"
        name="resource"
        label="Resource"
        all="All resources"
        choices={RESOURCE_TYPES}
        value={filters.resourceType}
      />
      <SelectField
        id="filter-result"
        name="result"
        label="Result"
        all="All results"
        choices={Object.keys(RESULT_LABEL)}
        labels={RESULT_LABEL}
        value={filters.success === undefined ? undefined : filters.success ? 'ok' : 'failed'}
      />
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
      <SelectField
        id="filter-hours"
        name="hours"
        label="Time range"
        choices={HOURS_CHOICES}
        labels={HOURS_LABEL}
        value={filters.hoursBack}
      />
      <DateTimeField
        id="filter-from"
        name="from"
        label={`From (${timeZone}, optional)`}
        timeZone={timeZone}
        instant={filters.range?.from}
      />
      <DateTimeField
        id="filter-to"
        name="to"
        label={`To (${timeZone}, optional)`}
        timeZone={timeZone}
        instant={filters.range?.to}
      />
    </>
  );
}
