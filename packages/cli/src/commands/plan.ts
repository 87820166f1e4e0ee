import type { PricedResource } from '@bytemeter/core';
import type { PricePlanInput } from '@bytemeter/core/pricing';
import type { PricePlanTemplateView, StoredPricePlan } from '@bytemeter/tracker';
import { CliError } from '../cli-error.js';
import type { Output, Piece } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { paintTable } from '../table.js';
import { RESOURCE_WORDS } from './cost.js';

// `bytemeter plan set|show|templates|delete`: price plans in the database the tracker or server uses.
// Prices are shown as stored, decimal dollars per unit ("$0.0000004/call"): they are exact strings, not
// amounts of money to round.

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A resource's graduated tiers in one line.
 * @example formatTiers('download', [{ upTo: 1, pricePerUnit: '0' }, { upTo: null, pricePerUnit: '0.09' }]) // '$0 up to 1 · $0.09 above, per GiB'
 */
export function formatTiers(resource: PricedResource, tiers: StoredPricePlan['prices'][number]['tiers']): string {
  const unit = RESOURCE_WORDS[resource].unit;
  if (tiers.length === 1) return `$${tiers[0]!.pricePerUnit} per ${unit}`;
  const parts = tiers.map((t) =>
    t.upTo === null ? `$${t.pricePerUnit} above` : `$${t.pricePerUnit} up to ${COUNT.format(t.upTo)}`,
  );
  return `${parts.join(' · ')}, per ${unit}`;
}

/** Prices with their fields in one fixed order (plans and templates print them alike). */
function pricesJson(prices: StoredPricePlan['prices']) {
  return prices.map((price) => ({
    resource: price.resource,
    tiers: price.tiers.map((t) => ({ upTo: t.upTo, pricePerUnit: t.pricePerUnit })),
  }));
}

/** A plan with its fields in one fixed order and instants as ISO 8601 UTC, for --json. */
function planJson(p: StoredPricePlan) {
  return {
    backend: p.backend,
    timezone: p.timezone,
    template: p.template,
    effectiveFrom: p.effectiveFrom === null ? null : new Date(p.effectiveFrom).toISOString(),
    prices: pricesJson(p.prices),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

function plansTable(plans: readonly StoredPricePlan[]): Piece[] {
  const rows: string[][] = [];
  for (const p of plans) {
    const from = p.effectiveFrom === null ? 'always' : new Date(p.effectiveFrom).toISOString();
    for (const [i, price] of p.prices.entries()) {
      rows.push([
        i === 0 ? p.backend : '',
        i === 0 ? from : '',
        i === 0 ? p.timezone : '',
        i === 0 ? (p.template ?? '') : '',
        RESOURCE_WORDS[price.resource].label,
        formatTiers(price.resource, price.tiers),
      ]);
    }
  }
  return paintTable(['BACKEND', 'FROM', 'ZONE', 'TEMPLATE', 'RESOURCE', 'PRICE'], rows);
}

/**
 * `bytemeter plan show [backend]`: the stored plans, each from its effectiveFrom until the next one's.
 * @example await planShow(tracker, { backend: 'photos' })
 */
export async function planShow(
  reader: Pick<UsageReader, 'getPricePlans'>,
  flags: { backend?: string; json?: boolean },
): Promise<Output> {
  const all = await reader.getPricePlans();
  const plans = flags.backend === undefined ? all : all.filter((p) => p.backend === flags.backend);
  if (flags.json) return JSON.stringify(plans.map(planJson), null, 2);
  if (plans.length === 0) {
    const hint = 'set one with `bytemeter plan set <backend> --template <name>` (see `bytemeter plan templates`)';
    return flags.backend === undefined
      ? `No price plans yet: ${hint}.`
      : `No price plan for "${flags.backend}": ${hint.replace('<backend>', flags.backend)}.`;
  }
  return plansTable(plans);
}

/** `bytemeter plan templates`: the published price tables a plan can start from. */
export async function planTemplates(
  reader: Pick<UsageReader, 'getPricePlanTemplates'>,
  flags: { json?: boolean },
): Promise<Output> {
  const templates: PricePlanTemplateView[] = await reader.getPricePlanTemplates();
  if (flags.json) {
    return JSON.stringify(
      templates.map((t) => ({
        name: t.name,
        description: t.description,
        source: t.source,
        prices: pricesJson(t.prices),
      })),
      null,
      2,
    );
  }
  const out: Piece[] = [];
  for (const [i, t] of templates.entries()) {
    if (i > 0) out.push({ text: '\n\n' });
    out.push({ text: t.name, color: 'bold' }, { text: `\n${t.description}\nSource: ${t.source}\n\n` });
    out.push(
      ...paintTable(
        ['RESOURCE', 'PRICE'],
        t.prices.map((p) => [RESOURCE_WORDS[p.resource].label, formatTiers(p.resource, p.tiers)]),
      ),
    );
  }
  return out;
}

/**
 * `bytemeter plan set`: stores a checked plan (the caller checked it with core first, so nothing is stored
 * for a bad one) and shows it.
 */
export async function planSet(
  reader: Pick<UsageReader, 'setPricePlan'>,
  input: PricePlanInput,
  flags: { json?: boolean },
): Promise<Output> {
  const stored = await reader.setPricePlan(input);
  if (flags.json) return JSON.stringify(planJson(stored), null, 2);
  const from =
    stored.effectiveFrom === null ? 'all its usage' : `usage from ${new Date(stored.effectiveFrom).toISOString()}`;
  return [
    { text: `Set the price plan of ${stored.backend}: it prices ${from}, billing months in ${stored.timezone}.\n\n` },
    ...plansTable([stored]),
  ];
}

/** `bytemeter plan delete <backend>`: every plan of the backend; none is bad usage (nothing changed). */
export async function planDelete(reader: Pick<UsageReader, 'deletePricePlan'>, backend: string): Promise<string> {
  if (!(await reader.deletePricePlan(backend))) {
    throw new CliError(`"${backend}" has no price plan; nothing was deleted.`);
  }
  return `Deleted the price plans of ${backend}; \`bytemeter cost\` no longer prices its usage.`;
}
