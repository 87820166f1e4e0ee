import type {
  BytemeterClient,
  PricePlan as RemotePlan,
  PricePlanInput as RemotePlanInput,
  PricePlanTemplate as RemoteTemplate,
} from '@bytemeter/client';
import { type PricedResource, toGraphQLEnum } from '@bytemeter/core';
import { type PricePlanInput, parsePricePlan } from '@bytemeter/core/pricing';
import type {
  BackendType,
  CostQuery,
  CostReport,
  Period,
  PricePlanTemplateView,
  StoredPricePlan,
} from '@bytemeter/tracker';
import { lower, range } from './remote-words.js';
import type { UsageReader } from './usage-reader.js';

// Price plans and costs through a bytemeter server, in the tracker's shapes (lower-case enums, instants as
// ms), so `bytemeter cost` and `bytemeter plan` print the same whichever side answers.

function toPrices(prices: RemotePlan['prices']): StoredPricePlan['prices'] {
  return prices.map((p) => ({
    resource: lower<PricedResource>(p.resource),
    tiers: p.tiers.map((t) => ({ upTo: t.upTo ?? null, pricePerUnit: t.pricePerUnit })),
  }));
}

function toStoredPlan(p: RemotePlan): StoredPricePlan {
  return {
    backend: p.backend,
    timezone: p.timezone,
    template: p.template ?? null,
    prices: toPrices(p.prices),
    effectiveFrom: p.effectiveFrom ? Date.parse(p.effectiveFrom) : null,
    updatedAt: p.updatedAt,
  };
}

function toTemplate(t: RemoteTemplate): PricePlanTemplateView {
  return { name: t.name, description: t.description, source: t.source, prices: toPrices(t.prices) };
}

/**
 * A plan as the API takes it: checked and resolved here first (core's parsePricePlan, the server's own
 * check), then sent with every resource priced, so the server stores exactly the plan the local tracker would.
 */
function toRemoteInput(input: PricePlanInput): RemotePlanInput {
  const plan = parsePricePlan(input);
  return {
    backend: plan.backend,
    timezone: plan.timezone,
    template: plan.template,
    prices: plan.prices.map((p) => ({
      resource: toGraphQLEnum(p.resource),
      tiers: p.tiers.map((t) => ({ ...(t.upTo !== null ? { upTo: t.upTo } : {}), pricePerUnit: t.pricePerUnit })),
    })),
    effectiveFrom: plan.effectiveFrom === null ? null : new Date(plan.effectiveFrom).toISOString(),
  };
}

/** The pricing calls of UsageReader answered by a server. */
export function remotePricing(
  client: BytemeterClient,
  clock: () => number,
): Pick<UsageReader, 'getCosts' | 'getPricePlans' | 'getPricePlanTemplates' | 'setPricePlan' | 'deletePricePlan'> {
  return {
    async getCosts(q: CostQuery = {}): Promise<CostReport> {
      const explicit = range(q, clock());
      const r = await client.getCosts({
        timezone: q.timezone ?? 'UTC',
        ...(explicit
          ? { range: explicit }
          : { period: toGraphQLEnum(q.period ?? 'month'), at: (q.at ?? new Date(clock())).toISOString() }),
        backend: q.backend ?? null,
      });
      return {
        period: r.period ? lower<Period>(r.period) : null,
        periodStart: r.periodStart,
        periodEnd: r.periodEnd,
        timezone: r.timezone,
        backends: r.backends.map((b) => ({
          backend: b.backend,
          backendType: lower<BackendType>(b.backendType),
          computedCostMicros: b.computedCostMicros,
          reportedCostMicros: b.reportedCostMicros,
          resources: b.resources.map((line) => ({
            resource: lower<PricedResource>(line.resource),
            units: line.units,
            costMicros: line.costMicros,
          })),
          hasPlan: b.hasPlan,
        })),
        computedTotalMicros: r.computedTotalMicros,
        reportedTotalMicros: r.reportedTotalMicros,
        forecast: { monthEndMicros: r.forecast.monthEndMicros, method: r.forecast.method },
      };
    },
    async getPricePlans() {
      return (await client.getPricePlans()).map(toStoredPlan);
    },
    async getPricePlanTemplates() {
      return (await client.getPricePlanTemplates()).map(toTemplate);
    },
    async setPricePlan(input: PricePlanInput) {
      return toStoredPlan(await client.setPricePlan(toRemoteInput(input)));
    },
    deletePricePlan(backend: string) {
      return client.deletePricePlan(backend);
    },
  };
}
