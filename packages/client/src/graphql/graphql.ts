import { initGraphQLTada } from 'gql.tada';
// A type-only import: the committed introspection types the documents and never ships at run time.
import type { introspection } from './introspection.js';

/**
 * The typed `graphql` document function for the bytemeter API. Results and variables of every document
 * are inferred from `apps/api/schema.graphql` (through the committed introspection; `pnpm introspection`
 * regenerates it). Fragments are not masked, so a spread's fields read like the parent's own.
 * @example const Q = graphql(`query { backends { name type } }`) // ResultOf<typeof Q>['backends'][0]['type'] is 'S3' | …
 */
export const graphql = initGraphQLTada<{
  introspection: typeof introspection;
  disableMasking: true;
  scalars: {
    DateTime: string;
    SafeInt: number;
    JSON: unknown;
    ID: string;
  };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';
