import { AutoSubmitSelect } from '@/components/auto-submit-select';
import { DateTimeField } from './date-time-field';

/** The choice that makes the From/To fields apply. */
export const CUSTOM_RANGE = 'custom';

/**
 * A range chooser inside a GET form: a select of named ranges plus "Custom (from – to)", and the custom
 * range's From/To as 24-hour wall times in the page's zone (they show the range drawn, so editing one
 * bound and choosing Custom keeps the other). Used by the overview and the backend page; each page parses
 * the result with customRange (lib/ranges.ts).
 * @example <DateRangePicker name="range" label="Range" choices={[{ value: '24h', label: 'Last 24 hours' }]} selected="24h" range={range} timeZone={tz} />
 */
export function DateRangePicker({
  name,
  label,
  choices,
  selected,
  range,
  typed,
  timeZone,
}: {
  /** The select's query parameter (its value is `custom` for the From/To range). */
  name: string;
  label: string;
  choices: readonly { value: string; label: string }[];
  selected: string;
  /** The range drawn, shown in From/To. */
  range: { from: string; to: string };
  /** What was typed when the custom range was refused, shown back instead of `range`. */
  typed?: { from: string | undefined; to: string | undefined } | undefined;
  timeZone: string;
}) {
  return (
    <>
      <AutoSubmitSelect name={name} label={label} defaultValue={selected}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
        <option value={CUSTOM_RANGE}>Custom (from – to)</option>
      </AutoSubmitSelect>
      <DateTimeField
        id={`${name}-from`}
        name="from"
        label="From"
        timeZone={timeZone}
        instant={range.from}
        raw={typed?.from}
      />
      <DateTimeField id={`${name}-to`} name="to" label="To" timeZone={timeZone} instant={range.to} raw={typed?.to} />
    </>
  );
}
