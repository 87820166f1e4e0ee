'use client';
import { useId } from 'react';

/**
 * A searchable time-zone field (type to filter the IANA names, e.g. "kolk"), inside a GET form; picking
 * a listed zone submits the form, and the form's button works without JavaScript.
 * @example <ZonePicker zones={timeZones()} value="Europe/Berlin" />
 */
export function ZonePicker({ zones, value }: { zones: string[]; value: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Time zone</label>
      <input
        id={id}
        name="tz"
        list={`${id}-zones`}
        defaultValue={value}
        autoComplete="off"
        spellCheck={false}
        size={22}
        onChange={(e) => {
          if (zones.includes(e.currentTarget.value)) e.currentTarget.form?.requestSubmit();
        }}
      />
      <datalist id={`${id}-zones`}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </div>
  );
}
