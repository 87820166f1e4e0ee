'use client';
import { useEffect, useId, useState } from 'react';
import { timeZones } from '@/lib/time-zones';

/**
 * A searchable time-zone field (type to filter the IANA names, e.g. "kolk"), inside a GET form; picking
 * a listed zone submits the form, and the form's button works without JavaScript (type the name).
 * The browser lists the zones itself after loading: sent by the server, the 423 names weighed about 8 KB
 * compressed on every page (in the HTML and again in the React payload), most of what the charts need.
 * @example <ZonePicker value="Europe/Berlin" />
 */
export function ZonePicker({ value }: { value: string }) {
  const id = useId();
  const [zones, setZones] = useState<string[]>([]);
  useEffect(() => setZones(timeZones(value)), [value]);
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
