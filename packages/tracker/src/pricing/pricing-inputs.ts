// What pricing reads besides usage: every backend (with its state) and every stored plan. A cost report or
// a budget read needs both before it knows which ranges to read, and on a server each statement is a
// round trip of its own, so both come back from one statement, their rows told apart by `kind`.

import type { PricePlan } from '@bytemeter/core/pricing';
import { CompiledQuery } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import { type BackendRow, toBackendRow } from '../query/backends.js';
import { planToPrice } from './plan-store.js';

export interface PricingInputs {
  /** Every backend, by name (as loadBackends). */
  backends: BackendRow[];
  /** Every stored plan, by backend then effectiveFrom (what planToPrice makes of each). */
  plans: PricePlan[];
}

interface InputRow {
  /** 0: a backend (plan null); 1: a plan (name is its backend, created_at its start). */
  kind: number | string;
  id: number | string | null;
  name: string;
  type: string | null;
  created_at: number | string;
  storage_level: number | string | null;
  last_event_at: number | string | null;
  consecutive_failures: number | string | null;
  plan: string | null;
}

// Plain SQL both dialects read alike; each member's nulls take the other member's column types.
export const INPUTS_SQL = `select 0 as kind, b.id, b.name, b.type, b.created_at, s.storage_level,
  s.last_event_at, s.consecutive_failures, null as plan
from backends b left join backend_state s on s.backend_id = b.id
union all
select 1, null, p.backend, null, p.starts_at, null, null, null, p.plan
from price_plans p
order by kind, name, created_at`;

/**
 * Every backend and every plan to price with, in one statement.
 * @example const { backends, plans } = yield* loadPricingInputs();
 */
export function* loadPricingInputs(): Plan<PricingInputs> {
  return pricingInputsOf(yield* exec(CompiledQuery.raw(INPUTS_SQL) as CompiledQuery<InputRow>));
}

/** The rows of INPUTS_SQL as backends and plans. */
export function pricingInputsOf(rows: readonly unknown[]): PricingInputs {
  const backends: BackendRow[] = [];
  const plans: PricePlan[] = [];
  for (const row of rows as InputRow[]) {
    if (Number(row.kind) === 0) backends.push(toBackendRow({ ...row, type: row.type!, id: row.id! }));
    else plans.push(planToPrice(row.plan!));
  }
  return { backends, plans };
}
