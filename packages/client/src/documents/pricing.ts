import { graphql } from '../graphql/graphql.js';

// The price plan and cost documents of contract/pricing.graphql (issue 11), each selecting every field.

export const PriceFields = graphql(`
  fragment PriceFields on ResourcePrice {
    resource
    tiers {
      upTo
      pricePerUnit
    }
  }
`);

export const PricePlanFields = graphql(
  `
  fragment PricePlanFields on PricePlan {
    backend
    timezone
    template
    prices {
      ...PriceFields
    }
    effectiveFrom
    updatedAt
  }
`,
  [PriceFields],
);

export const PricePlansQuery = graphql(
  `
  query PricePlans {
    pricePlans {
      ...PricePlanFields
    }
  }
`,
  [PricePlanFields],
);

export const PricePlanTemplatesQuery = graphql(
  `
  query PricePlanTemplates {
    pricePlanTemplates {
      name
      description
      source
      prices {
        ...PriceFields
      }
    }
  }
`,
  [PriceFields],
);

export const CostsQuery = graphql(`
  query Costs($period: Period, $timezone: String, $at: DateTime, $range: TimeRange, $backend: String) {
    costs(period: $period, timezone: $timezone, at: $at, range: $range, backend: $backend) {
      period
      periodStart
      periodEnd
      timezone
      backends {
        backend
        backendType
        computedCostMicros
        reportedCostMicros
        resources {
          resource
          units
          costMicros
        }
        hasPlan
      }
      computedTotalMicros
      reportedTotalMicros
      forecast {
        monthEndMicros
        method
      }
    }
  }
`);

export const SetPricePlanMutation = graphql(
  `
  mutation SetPricePlan($plan: PricePlanInput!) {
    setPricePlan(plan: $plan) {
      ...PricePlanFields
    }
  }
`,
  [PricePlanFields],
);

export const DeletePricePlanMutation = graphql(`
  mutation DeletePricePlan($backend: String!) {
    deletePricePlan(backend: $backend)
  }
`);
