import { graphql } from '../graphql/graphql.js';

// The budget and alert documents of contract/pricing.graphql (issue 12), each selecting every field.

export const BudgetFields = graphql(`
  fragment BudgetFields on Budget {
    id
    name
    backend
    metric
    limit
    timezone
    thresholds
    alertOnForecast
    webhookUrl
    current
    percentUsed
    forecast
    projectedFullAt
  }
`);

export const BudgetAlertFields = graphql(`
  fragment BudgetAlertFields on BudgetAlert {
    id
    budgetId
    budgetName
    kind
    threshold
    value
    limit
    periodStart
    raisedAt
  }
`);

export const BudgetsQuery = graphql(
  `
  query Budgets {
    budgets {
      ...BudgetFields
    }
  }
`,
  [BudgetFields],
);

export const BudgetAlertsQuery = graphql(
  `
  query BudgetAlerts($first: Int) {
    budgetAlerts(first: $first) {
      ...BudgetAlertFields
      webhookAttempts {
        attempt
        at
        status
        error
        delivered
      }
    }
  }
`,
  [BudgetAlertFields],
);

export const SetBudgetMutation = graphql(
  `
  mutation SetBudget($budget: BudgetInput!) {
    setBudget(budget: $budget) {
      ...BudgetFields
      webhookSecret
    }
  }
`,
  [BudgetFields],
);

export const RotateBudgetWebhookSecretMutation = graphql(
  `
  mutation RotateBudgetWebhookSecret($id: ID!) {
    rotateBudgetWebhookSecret(id: $id) {
      ...BudgetFields
      webhookSecret
    }
  }
`,
  [BudgetFields],
);

export const DeleteBudgetMutation = graphql(`
  mutation DeleteBudget($id: ID!) {
    deleteBudget(id: $id)
  }
`);

export const BudgetAlertRaisedSubscription = graphql(
  `
  subscription BudgetAlertRaised {
    budgetAlertRaised {
      ...BudgetAlertFields
    }
  }
`,
  [BudgetAlertFields],
);
