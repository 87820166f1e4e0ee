// A price plan: what one backend's usage costs, per priced resource, from an instant on. Plans are plain
// JSON-safe data (decimal strings, ms numbers) so the tracker can store them and the API return them;
// compilePlan turns a checked plan into exact integers once.

import { ValidationError } from '../errors.js';
import { assertBackendName, describe } from '../event-rules.js';
import { parseRfc3339 } from '../rfc3339.js';
import { assertTimeZone } from '../time-zone.js';
import { fromGraphQLEnum, PRICED_RESOURCES, type PricedResource } from '../vocabulary.js';
import { MAX_PRICED_INSTANT, MIN_PRICED_INSTANT } from './billing-month.js';
import { formatPrice, parsePrice } from './decimal-price.js';
import { findPricePlanTemplate, PRICE_PLAN_TEMPLATES } from './templates.js';
import type { CompiledTier } from './tiers.js';

/** Most tiers one resource may have. */
export const MAX_TIERS = 64;

/** One tier as given (GraphQL PriceTierInput): upTo in the resource's unit, omitted on the last tier. */
export interface PriceTierInput {
  upTo?: number | null;
  pricePerUnit: string;
}

/** A resource's graduated tiers as given; the resource in either spelling ('storage' or 'STORAGE'). */
export interface ResourcePriceInput {
  resource: PricedResource | Uppercase<PricedResource>;
  tiers: readonly PriceTierInput[];
}

/** A plan as given (GraphQL PricePlanInput). */
export interface PricePlanInput {
  backend: string;
  /** Time zone of the billing month; default "UTC". */
  timezone?: string | null;
  /** Start from this template (see PRICE_PLAN_TEMPLATES) and override only the resources given. */
  template?: string | null;
  prices?: readonly ResourcePriceInput[] | null;
  /** Prices usage from this instant (ms, Date or RFC 3339 text) until a later plan; null: all usage. */
  effectiveFrom?: number | Date | string | null;
}

export interface PriceTier {
  upTo: number | null;
  /** Canonical decimal dollars ("0.023"). */
  pricePerUnit: string;
}

export interface ResourcePrice {
  resource: PricedResource;
  tiers: readonly PriceTier[];
}

/** A checked plan: canonical zone, template resolved, resources in PRICED_RESOURCES order. */
export interface PricePlan {
  backend: string;
  timezone: string;
  template: string | null;
  prices: readonly ResourcePrice[];
  /** ms since the epoch; null prices all usage before the next plan. */
  effectiveFrom: number | null;
}

/** A plan in exact integers, what the cost functions price with. */
export interface CompiledPlan {
  plan: PricePlan;
  tiers: ReadonlyMap<PricedResource, readonly CompiledTier[]>;
}

const invalid = (message: string, field: string) => new ValidationError('INVALID_PRICE_PLAN', message, field);

function checkResource(value: unknown, field: string): PricedResource {
  const resource = typeof value === 'string' ? fromGraphQLEnum(value, PRICED_RESOURCES) : undefined;
  if (!resource) {
    throw invalid(`Priced resource must be one of ${PRICED_RESOURCES.join(', ')}; got ${describe(value)}.`, field);
  }
  return resource;
}

function checkTiers(resource: PricedResource, value: unknown, field: string): PriceTier[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TIERS) {
    throw invalid(`${resource} needs 1 to ${MAX_TIERS} tiers.`, field);
  }
  if (resource === 'monthly_fee' && value.length !== 1) {
    throw invalid('monthly_fee takes one tier, its price the fee per billing month.', field);
  }
  let previous = 0;
  return value.map((tier: unknown, i): PriceTier => {
    const at = `${field}[${i}]`;
    if (typeof tier !== 'object' || tier === null)
      throw invalid(`A tier must be an object; got ${describe(tier)}.`, at);
    const { upTo, pricePerUnit } = tier as Record<string, unknown>;
    const price = formatPrice(parsePrice(pricePerUnit, `${at}.pricePerUnit`));
    const last = i === value.length - 1;
    if (last) {
      if (upTo !== undefined && upTo !== null) {
        throw invalid(`The last tier of ${resource} must have no upTo: it prices every unit beyond the others.`, at);
      }
      return { upTo: null, pricePerUnit: price };
    }
    if (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo <= previous) {
      throw invalid(
        `Tier upTo must be a whole number of units above the previous tier's (${previous}); got ${describe(upTo)}.`,
        `${at}.upTo`,
      );
    }
    previous = upTo;
    return { upTo, pricePerUnit: price };
  });
}

function checkEffectiveFrom(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? parseRfc3339(value)?.getTime() : value;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < MIN_PRICED_INSTANT || ms > MAX_PRICED_INSTANT) {
    throw new ValidationError(
      'INVALID_TIMESTAMP',
      `effectiveFrom must be an instant (ms, Date or RFC 3339 with an offset) from 1970 on; got ${describe(value)}.`,
      'effectiveFrom',
    );
  }
  return ms;
}

/**
 * Checks a plan and resolves its template: the template's resources, each replaced by the one given for
 * it. Bad input throws a typed ValidationError (INVALID_PRICE_PLAN, INVALID_PRICE, INVALID_TIMEZONE,
 * INVALID_TIMESTAMP, INVALID_BACKEND_NAME) naming the field. A checked plan passes again unchanged.
 * @example
 * parsePricePlan({ backend: 'r2', template: 'cloudflare-r2-standard', prices: [
 *   { resource: 'STORAGE', tiers: [{ pricePerUnit: '0.02' }] },
 * ] }).prices.find((p) => p.resource === 'storage') // { resource: 'storage', tiers: [{ upTo: null, pricePerUnit: '0.02' }] }
 */
export function parsePricePlan(input: PricePlanInput): PricePlan {
  if (typeof input !== 'object' || input === null) throw invalid('A price plan must be an object.', 'plan');
  assertBackendName(input.backend);
  const timezone = assertTimeZone(input.timezone ?? 'UTC');
  const templateName = input.template ?? null;
  const template = templateName === null ? undefined : findPricePlanTemplate(templateName);
  if (templateName !== null && !template) {
    throw invalid(
      `Unknown template ${describe(templateName)}; use one of ${PRICE_PLAN_TEMPLATES.map((t) => t.name).join(', ')}.`,
      'template',
    );
  }
  const given = input.prices ?? [];
  if (!Array.isArray(given)) throw invalid('prices must be a list of resources and their tiers.', 'prices');
  const byResource = new Map<PricedResource, PriceTier[]>();
  for (const [i, price] of (template?.prices ?? []).entries()) {
    const resource = checkResource(price.resource, `template.prices[${i}].resource`);
    byResource.set(resource, checkTiers(resource, price.tiers, `template.prices[${i}].tiers`));
  }
  const overridden = new Set<PricedResource>();
  for (const [i, price] of given.entries()) {
    if (typeof price !== 'object' || price === null) throw invalid('Each price must be an object.', `prices[${i}]`);
    const resource = checkResource(price.resource, `prices[${i}].resource`);
    if (overridden.has(resource)) throw invalid(`${resource} is priced twice.`, `prices[${i}].resource`);
    overridden.add(resource);
    byResource.set(resource, checkTiers(resource, price.tiers, `prices[${i}].tiers`));
  }
  return {
    backend: input.backend,
    timezone,
    template: templateName,
    prices: PRICED_RESOURCES.filter((r) => byResource.has(r)).map((resource) => ({
      resource,
      tiers: byResource.get(resource)!,
    })),
    effectiveFrom: checkEffectiveFrom(input.effectiveFrom),
  };
}

const compiled = new WeakMap<PricePlan, CompiledPlan>();

/**
 * A plan in exact integers (memoized per plan object). It is checked first, so hand-built or stored plans
 * are safe too; its template is not applied again: a stored plan keeps the prices it was stored with.
 */
export function compilePlan(plan: PricePlan): CompiledPlan {
  let c = compiled.get(plan);
  if (!c) {
    const checked = { ...parsePricePlan({ ...plan, template: null }), template: plan.template ?? null };
    const tiers = new Map<PricedResource, CompiledTier[]>();
    for (const price of checked.prices) {
      tiers.set(
        price.resource,
        price.tiers.map((t) => ({
          upTo: t.upTo === null ? null : BigInt(t.upTo),
          priceNanos: parsePrice(t.pricePerUnit),
        })),
      );
    }
    c = { plan: checked, tiers };
    compiled.set(plan, c);
  }
  return c;
}
