import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

// The contract lives in the team's shared folder beside the repo; a copy is committed so a clone on its own
// still checks it, and the copy is compared with the shared original wherever that is present.
const CONTRACT_FILES = ['schema.graphql', 'pricing.graphql'] as const;
const vendored = (file: string) => fileURLToPath(new URL(`../contract/${file}`, import.meta.url));
const shared = (file: string) => fileURLToPath(new URL(`../../../../shared/contract/${file}`, import.meta.url));
const committedPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));

interface Change {
  type: string;
  description: string;
}

const sorted = (changes: readonly Change[]) =>
  changes
    .map(({ type, description }) => ({ type, description }))
    .sort((a, b) => a.description.localeCompare(b.description));

describe('served schema', () => {
  it('has no breaking change against the contract (schema.graphql)', () => {
    const contract = buildSchema(readFileSync(vendored('schema.graphql'), 'utf8'));
    expect(findBreakingChanges(contract, schema)).toEqual([]);
  });

  it('has no breaking change against schema.graphql + pricing.graphql', () => {
    const text = CONTRACT_FILES.map((file) => readFileSync(vendored(file), 'utf8')).join('\n');
    const changes = findBreakingChanges(buildSchema(text), schema);
    expect(sorted(changes)).toEqual([]);
  });

  it('serves every price plan, cost, budget and alert type of pricing.graphql', () => {
    for (const name of [
      'ApiCallClass',
      'PricedResource',
      'PricePlan',
      'PricePlanTemplate',
      'CostReport',
      'BackendCost',
      'BudgetMetric',
      'BudgetInput',
      'Budget',
      'AlertKind',
      'BudgetAlert',
    ]) {
      expect(schema.getType(name), name).toBeDefined();
    }
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining(['pricePlans', 'pricePlanTemplates', 'costs', 'budgets', 'budgetAlerts']),
    );
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(
      expect.arrayContaining(['setBudget', 'deleteBudget']),
    );
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain('budgetAlertRaised');
  });

  for (const file of CONTRACT_FILES) {
    it.runIf(existsSync(shared(file)))(`uses a copy of ${file} identical to the shared contract`, () => {
      expect(readFileSync(vendored(file), 'utf8')).toBe(readFileSync(shared(file), 'utf8'));
    });
  }

  it('matches the committed schema.graphql (run `pnpm --filter @bytemeter/api schema:print` when this fails)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(`${printSchema(schema)}\n`);
  });
});
