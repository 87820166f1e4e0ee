'use client';
import { type ReactNode, useId } from 'react';

/**
 * A labelled <select> inside a GET form that submits the form when it changes (the form's own submit
 * button keeps it usable without JavaScript and from the keyboard).
 * @example <AutoSubmitSelect name="period" label="Period" defaultValue="DAY">…options…</AutoSubmitSelect>
 */
export function AutoSubmitSelect({
  name,
  label,
  defaultValue,
  children,
}: {
  name: string;
  label: string;
  defaultValue: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
        {children}
      </select>
    </div>
  );
}
