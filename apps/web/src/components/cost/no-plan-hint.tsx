import type { PricePlanTemplate } from '@/lib/types';

/**
 * Which backends have no price plan (so no computed cost), and how to give them one with the CLI: from a
 * published template, or a JSON/YAML file of prices.
 */
export function NoPlanHint({ backends, templates }: { backends: string[]; templates: PricePlanTemplate[] }) {
  if (backends.length === 0) return null;
  return (
    <div className="notice" data-testid="no-plan-hint">
      <p>
        <strong>{backends.length === 1 ? '1 backend has' : `${backends.length} backends have`} no price plan</strong>,
        so nothing is computed for {backends.length === 1 ? 'it' : 'them'}: {backends.join(', ')}. Set one with{' '}
        <code>bytemeter plan set</code>, from a published template or a JSON/YAML file of prices:
      </p>
      <pre className="code">
        <code>bytemeter plan templates{'\n'}bytemeter plan set --help</code>
      </pre>
      {templates.length > 0 ? (
        <p className="muted">
          Published templates:{' '}
          {templates.map((t, i) => (
            <span key={t.name}>
              {i > 0 ? ', ' : ''}
              <code title={`${t.description} Source: ${t.source}`}>{t.name}</code>
            </span>
          ))}
          .
        </p>
      ) : null}
    </div>
  );
}
