/**
 * A labelled <select> with an "all" choice first (value ''), then one option per choice; the label's words
 * are the choice's own unless `labels` names them.
 * @example <SelectField id="filter-type" name="type" label="Backend type" all="All types" choices={BACKEND_TYPES} value={f.backendType} />
 */
export function SelectField({
  id,
  name,
  label,
  all,
  choices,
  labels,
  value,
}: {
  id: string;
  name: string;
  label: string;
  /** The first option's words (value ''); none when omitted. */
  all?: string;
  choices: readonly (string | number)[];
  labels?: Readonly<Record<string, string>>;
  value: string | number | undefined;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value === undefined ? '' : String(value)}>
        {all === undefined ? null : <option value="">{all}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {labels?.[c] ?? c}
          </option>
        ))}
      </select>
    </div>
  );
}
