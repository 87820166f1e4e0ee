import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** Limits on one operation, checked at validation time before anything runs. */
export interface QueryLimits {
  /** Deepest nesting of selection sets (fragments expanded). */
  maxDepth: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Field selections in one operation with fragments expanded: a cost bound that stops fragment bombs. */
  maxFields: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 20, maxFields: 1000 };

/**
 * A validation rule refusing operations over the limits with BAD_USER_INPUT (`extensions.limit` says which).
 * @example addValidationRule(queryLimitsRule(DEFAULT_LIMITS))
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const fail = (limit: string, message: string) =>
      context.reportError(new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit } }));
    return {
      Document(doc) {
        let aliases = 0;
        const fragments = new Map<string, FragmentDefinitionNode>();
        for (const def of doc.definitions)
          if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
        const countAliases = (set: SelectionSetNode | undefined): void => {
          for (const sel of set?.selections ?? []) {
            if (sel.kind === Kind.FIELD && sel.alias) aliases++;
            if (sel.kind !== Kind.FRAGMENT_SPREAD) countAliases(sel.selectionSet);
          }
        };
        for (const def of doc.definitions) {
          if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) {
            countAliases(def.selectionSet);
          }
        }
        if (aliases > limits.maxAliases) {
          fail('aliases', `The document uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`);
        }
        for (const def of doc.definitions) {
          if (def.kind !== Kind.OPERATION_DEFINITION) continue;
          const cost = { depth: 0, fields: 0, over: false };
          walk(def.selectionSet, 1, new Set(), fragments, limits, cost);
          if (cost.depth > limits.maxDepth) {
            fail('depth', `The operation nests ${cost.depth} levels deep; at most ${limits.maxDepth} are allowed.`);
          } else if (cost.fields > limits.maxFields) {
            fail('cost', `The operation selects over ${limits.maxFields} fields (fragments expanded); ask for less.`);
          }
        }
        return false;
      },
    };
  };
}

function walk(
  set: SelectionSetNode,
  depth: number,
  visiting: Set<string>,
  fragments: Map<string, FragmentDefinitionNode>,
  limits: QueryLimits,
  cost: { depth: number; fields: number; over: boolean },
): void {
  // Stop as soon as a limit is passed: expanding a fragment bomb fully is the attack itself.
  if (cost.over) return;
  if (depth > cost.depth) cost.depth = depth;
  if (depth > limits.maxDepth || cost.fields > limits.maxFields) {
    cost.over = true;
    return;
  }
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      cost.fields++;
      if (sel.selectionSet) walk(sel.selectionSet, depth + 1, visiting, fragments, limits, cost);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      walk(sel.selectionSet, depth, visiting, fragments, limits, cost);
    } else {
      const name = sel.name.value;
      const fragment = fragments.get(name);
      // Cycles are reported by graphql's own NoFragmentCyclesRule; here they are simply not followed.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      walk(fragment.selectionSet, depth, visiting, fragments, limits, cost);
      visiting.delete(name);
    }
  }
}
