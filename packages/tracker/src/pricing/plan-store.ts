// Price plans live in the database (table price_plans), so every process and replica on the same file or
// server prices with the same plans. A plan is stored as core's checked PricePlan in JSON and checked again
// when read (compilePlan), so a hand-edited row cannot price with a bad plan.

import {
  PRICE_PLAN_TEMPLATES,
  type PricePlan,
  type PricePlanInput,
  type PricePlanTemplate,
  parsePricePlan,
  type ResourcePrice,
} from '@bytemeter/core/pricing';
import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { assertBackendName } from '../record/validate.js';
import { toIso } from '../time/zone.js';

/** A stored plan: core's PricePlan and when it was last set (ISO 8601 UTC). */
export interface StoredPricePlan extends PricePlan {
  updatedAt: string;
}

/** A published template with its prices in the checked form plans have (lower-case resources, upTo null on the last tier). */
export interface PricePlanTemplateView extends Omit<PricePlanTemplate, 'prices'> {
  prices: readonly ResourcePrice[];
}

/** effectiveFrom as the key column holds it: -1 for a plan that prices all usage before the next one. */
const startsAt = (plan: PricePlan): number => plan.effectiveFrom ?? -1;

/** Every stored plan, by backend then effectiveFrom. */
export function* loadPricePlans(db: Kysely<Database>): Plan<StoredPricePlan[]> {
  const rows = yield* exec(
    db.selectFrom('price_plans').select(['plan', 'updated_at']).orderBy('backend').orderBy('starts_at'),
  );
  return rows.map((row) => ({ ...(JSON.parse(row.plan) as PricePlan), updatedAt: toIso(Number(row.updated_at)) }));
}

/** Plans to price with, by their stored JSON: the same object each read, so core's compiled form is reused. */
const planObjects = new Map<string, PricePlan>();

/**
 * A stored plan's JSON as the pricing engine takes it (pricing-inputs.ts reads them). The same text is the
 * same (frozen) object as last time: compilePlan memoizes per object, and checking and compiling a plan on
 * every cost report took a tenth of it.
 */
export function planToPrice(json: string): PricePlan {
  let plan = planObjects.get(json);
  if (!plan) {
    plan = Object.freeze(JSON.parse(json) as PricePlan);
    // Bounded: a plan changed many times leaves old texts behind.
    if (planObjects.size >= 1000) planObjects.clear();
    planObjects.set(json, plan);
  }
  return plan;
}

/**
 * Stores a plan (input checked first: a bad one throws a typed ValidationError and changes nothing). A plan
 * with the backend and effectiveFrom of a stored one replaces it; another effectiveFrom adds a later plan.
 */
export function checkPricePlan(input: PricePlanInput): PricePlan {
  return parsePricePlan(input);
}

export function* storePricePlan(db: Kysely<Database>, plan: PricePlan, now: number): Plan<StoredPricePlan> {
  const json = JSON.stringify(plan);
  yield* exec(
    db
      .insertInto('price_plans')
      .values({ backend: plan.backend, starts_at: startsAt(plan), plan: json, updated_at: now })
      .onConflict((oc) => oc.columns(['backend', 'starts_at']).doUpdateSet({ plan: json, updated_at: now })),
  );
  return { ...plan, updatedAt: toIso(now) };
}

/** Removes every plan of a backend; true when there was one. */
export function* removePricePlans(db: Kysely<Database>, backend: string): Plan<boolean> {
  assertBackendName(backend);
  const rows = yield* exec(db.deleteFrom('price_plans').where('backend', '=', backend).returning('backend'));
  return rows.length > 0;
}

/** The published templates, prices in the form a checked plan has. */
export function pricePlanTemplates(): PricePlanTemplateView[] {
  return PRICE_PLAN_TEMPLATES.map((t) => ({
    name: t.name,
    description: t.description,
    source: t.source,
    prices: parsePricePlan({ backend: 'template', template: t.name }).prices,
  }));
}
