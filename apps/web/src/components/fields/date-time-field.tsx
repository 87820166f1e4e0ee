import { DATE_TIME_FORMAT, DATE_TIME_PATTERN, isoToZonedLocal } from '@/lib/zoned-time';

/**
 * A date and time typed as "YYYY-MM-DD HH:mm" (24-hour) in the page's zone. It replaces the browser's
 * datetime-local field, whose clock follows the browser's locale (12-hour in en-US) and has no zone. The
 * browser refuses a value off the pattern before the form is sent (with the format in the message); the
 * server reads it again (zonedLocalToIso), so 30 Feb or 24:00 is refused there.
 * @example <DateTimeField id="from" name="from" label="From" instant={range.from} timeZone="Asia/Kolkata" />
 */
export function DateTimeField({
  id,
  name,
  label,
  timeZone,
  instant,
  raw,
  required = false,
}: {
  id: string;
  name: string;
  label: string;
  timeZone: string;
  /** The instant to show (ISO), as a wall time in `timeZone`. */
  instant?: string | undefined;
  /** What the user typed, shown back as is when it was refused (takes precedence over `instant`). */
  raw?: string | undefined;
  required?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="text"
        inputMode="numeric"
        className="date-time"
        pattern={DATE_TIME_PATTERN}
        placeholder={DATE_TIME_FORMAT}
        title={`${DATE_TIME_FORMAT}, 24-hour, in ${timeZone}`}
        aria-describedby={`${id}-format`}
        size={16}
        maxLength={16}
        autoComplete="off"
        spellCheck={false}
        required={required}
        defaultValue={raw ?? (instant ? isoToZonedLocal(instant, timeZone) : '')}
      />
      <span id={`${id}-format`} className="visually-hidden">
        {DATE_TIME_FORMAT} ({timeZone})
      </span>
    </div>
  );
}
