import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * Limits on one request, checked before anything runs. Depth, aliases, tokens, directives and cost are
 * enforced by @escape.tech/graphql-armor (see use-query-limits.ts); the selection count and the nesting
 * bounds are this API's own because armor has no equivalent (see nesting-guard.ts).
 */
export interface QueryLimits {
  /** Deepest nesting of selection sets (fragments flattened). Introspection (`__schema`) is exempt. */
  maxDepth: number;
  /** Aliased fields in one operation. */
  maxAliases: number;
  /** Field selections in one operation with fragments expanded: a cost bound that stops fragment bombs. */
  maxFields: number;
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
  maxTokens: 2000,
  maxDirectives: 50,
  maxCost: 100_000,
  maxNesting: 64,
  maxJsonDepth: 32,
  introspection: true,
};

/** Introspection is bounded by the schema itself, so it does not count against the selection limit. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * A validation rule refusing operations that select more than `maxFields` fields with fragments expanded
 * (BAD_USER_INPUT, `extensions.limit: 'cost'`). It stops counting as soon as the bound is passed, because
 * expanding a fragment bomb fully is the attack itself.
 * @example addValidationRule(selectionCountRule(1000))
 */
export function selectionCountRule(maxFields: number) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(doc) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      for (const def of doc.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const count = { fields: 0 };
        if (!countFields(def.selectionSet, new Set(), fragments, maxFields, count)) {
          context.reportError(
            new GraphQLError(`The operation selects over ${maxFields} fields (fragments expanded); ask for less.`, {
              extensions: { code: 'BAD_USER_INPUT', limit: 'cost' },
            }),
          );
        }
      }
      return false;
    },
  });
}

/** Counts field selections; false as soon as the bound is passed. */
function countFields(
  set: SelectionSetNode,
  visiting: Set<string>,
  fragments: Map<string, FragmentDefinitionNode>,
  maxFields: number,
  count: { fields: number },
): boolean {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (INTROSPECTION_ROOTS.has(sel.name.value)) continue;
      if (++count.fields > maxFields) return false;
      if (sel.selectionSet && !countFields(sel.selectionSet, visiting, fragments, maxFields, count)) return false;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (!countFields(sel.selectionSet, visiting, fragments, maxFields, count)) return false;
    } else {
      const name = sel.name.value;
      const fragment = fragments.get(name);
      // Cycles are reported by graphql's own NoFragmentCyclesRule; here they are simply not followed.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      const within = countFields(fragment.selectionSet, visiting, fragments, maxFields, count);
      visiting.delete(name);
      if (!within) return false;
    }
  }
  return true;
}
