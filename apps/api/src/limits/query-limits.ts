import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * Limits on one request, checked before anything runs. Depth, aliases, tokens, directives and cost are
 * enforced by @escape.tech/graphql-armor (see use-query-limits.ts); the selection counts (data and
 * introspection) and the nesting bounds are this API's own because armor has no equivalent (see
 * nesting-guard.ts).
 */
export interface QueryLimits {
  /**
   * Deepest nesting of selection sets (fragments flattened). `__schema` is exempt (armor skips it), bounded
   * by maxIntrospectionFields instead; `__type(name:)` counts like any field.
   */
  maxDepth: number;
  /** Aliased fields in one operation. */
  maxAliases: number;
  /**
   * Field selections in one operation with fragments expanded, outside introspection: a cost bound that
   * stops fragment bombs.
   */
  maxFields: number;
  /**
   * Field selections inside introspection (the `__schema` and `__type` fields and everything under them) in
   * one operation, fragments expanded at each place they are spread. armor's depth and cost skip `__schema`,
   * so this is what bounds it: graphql's own getIntrospectionQuery() with every option on selects
   * 230 (measured with countSelections, graphql 16.15); 500 leaves room for tools that ask a little more.
   * Past it: `limit: 'introspection'`.
   * Whatever the bound, an operation may select `__schema` only once (aliases included).
   */
  maxIntrospectionFields: number;
  /** Lexical tokens in the document (counted while parsing, so an oversize document is never fully parsed). */
  maxTokens: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /**
   * armor's cost: objects 2, scalars 1, ×1.5 per level, ×`first` for a literal page size; introspection is
   * exempt. A full 1,000-event page with every field costs about 40,000, so 100,000 admits two.
   */
  maxCost: number;
  /** Brackets ({ ( [) open at once in the query text: refused before parsing, so the parser cannot overflow its stack. */
  maxNesting: number;
  /** Nesting of the JSON `variables` and `extensions` objects. */
  maxJsonDepth: number;
  /** Whether introspection (`__schema`, `__type`) is answered; BYTEMETER_API_INTROSPECTION=false refuses it. */
  introspection: boolean;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 20,
  maxFields: 1000,
  maxIntrospectionFields: 500,
  maxTokens: 2000,
  maxDirectives: 50,
  maxCost: 100_000,
  maxNesting: 64,
  maxJsonDepth: 32,
  introspection: true,
};

/** The fields that start introspection: everything under them counts against maxIntrospectionFields. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** What an operation selects, fragments expanded (or the bounds on it); `schemas` counts `__schema` fields. */
export interface Selected {
  fields: number;
  introspection: number;
  schemas: number;
}

/**
 * The bound an operation passed, or `broken`: it spreads an unknown fragment or a fragment inside itself.
 * graphql's own KnownFragmentNames and NoFragmentCycles rules refuse such a document (with their messages);
 * counting stops there because a chain of fragments that each spread the next twice and end in a broken
 * spread selects no field at all, so no bound is ever passed while expanding it takes 2^n steps.
 */
type Over = keyof Selected | 'broken';

/** `__schema` fields an operation may select (aliases and fragments included). */
const MAX_SCHEMA_FIELDS = 1;

/**
 * A validation rule refusing operations that select, with fragments expanded at each place they are
 * spread, more than `maxFields` fields outside introspection (`extensions.limit: 'cost'`), more than
 * `maxIntrospectionFields` inside it, or `__schema` more than once (both `extensions.limit: 'introspection'`),
 * all BAD_USER_INPUT. The two counts are separate, so data fields and introspection in one operation are
 * each bounded. It stops counting as soon as a bound is passed, because expanding a fragment bomb fully is
 * the attack itself.
 * @example addValidationRule(selectionCountRule(DEFAULT_LIMITS))
 */
export function selectionCountRule(limits: Pick<QueryLimits, 'maxFields' | 'maxIntrospectionFields'>) {
  const messages: Record<Exclude<Over, 'broken'>, [string, string]> = {
    fields: [`The operation selects over ${limits.maxFields} fields (fragments expanded); ask for less.`, 'cost'],
    introspection: [
      `The operation selects over ${limits.maxIntrospectionFields} introspection fields (fragments expanded); ask for less.`,
      'introspection',
    ],
    schemas: ['The operation selects __schema more than once; at most once is allowed.', 'introspection'],
  };
  const bounds: Selected = {
    fields: limits.maxFields,
    introspection: limits.maxIntrospectionFields,
    schemas: MAX_SCHEMA_FIELDS,
  };
  return (context: ValidationContext): ASTVisitor => ({
    Document(doc) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      for (const def of doc.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const selected: Selected = { fields: 0, introspection: 0, schemas: 0 };
        const over = countFields(def.selectionSet, false, new Set(), fragments, bounds, selected);
        if (over && over !== 'broken') {
          const [message, limit] = messages[over];
          context.reportError(new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit } }));
        }
      }
      return false;
    },
  });
}

/**
 * What an operation selects, fragments expanded (each spread counted where it is spread), without any
 * bound, so only for documents you trust: the 230 fields of the full introspection query were measured
 * with it (limits.test.ts checks the number).
 * @example countSelections(parse(getIntrospectionQuery())).introspection
 */
export function countSelections(doc: DocumentNode, operationName?: string): Selected {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const selected: Selected = { fields: 0, introspection: 0, schemas: 0 };
  const unbounded: Selected = { fields: Infinity, introspection: Infinity, schemas: Infinity };
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName === undefined || def.name?.value === operationName) {
      countFields(def.selectionSet, false, new Set(), fragments, unbounded, selected);
    }
  }
  return selected;
}

/** Counts field selections, inside introspection or not; the bound passed, as soon as one is. */
function countFields(
  set: SelectionSetNode,
  introspection: boolean,
  visiting: Set<string>,
  fragments: Map<string, FragmentDefinitionNode>,
  bounds: Selected,
  selected: Selected,
): Over | null {
  for (const sel of set.selections) {
    let over: Over | null = null;
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value;
      const within = introspection || INTROSPECTION_ROOTS.has(name);
      if (!within) {
        if (++selected.fields > bounds.fields) return 'fields';
      } else {
        if (name === '__schema' && ++selected.schemas > bounds.schemas) return 'schemas';
        if (++selected.introspection > bounds.introspection) return 'introspection';
      }
      if (sel.selectionSet) over = countFields(sel.selectionSet, within, visiting, fragments, bounds, selected);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      over = countFields(sel.selectionSet, introspection, visiting, fragments, bounds, selected);
    } else {
      const name = sel.name.value;
      const fragment = fragments.get(name);
      // Reported by graphql's own rules; here counting ends (see Over).
      if (!fragment || visiting.has(name)) return 'broken';
      visiting.add(name);
      over = countFields(fragment.selectionSet, introspection, visiting, fragments, bounds, selected);
      visiting.delete(name);
    }
    if (over) return over;
  }
  return null;
}
