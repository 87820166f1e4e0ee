import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { checkNesting } from './nesting-guard.js';
import { type QueryLimits, selectionCountRule } from './query-limits.js';

/**
 * armor reports "Syntax Error: Query depth limit of 10 exceeded, found 12."; clients see that sentence
 * (without the misleading prefix) as BAD_USER_INPUT with `extensions.limit` naming the bound.
 */
function refuseAs(limit: string): ((context: ValidationContext | null, error: GraphQLError) => void)[] {
  return [
    (context, error) => {
      const refusal = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: 'BAD_USER_INPUT', limit, http: { status: 400 } },
      });
      // Validation rules report through the context; the token limit runs in the parser, which has none.
      if (context) context.reportError(refusal);
      else throw refusal;
    },
  ];
}

/**
 * The request limits as Yoga plugins: the nesting guard ahead of parsing, then graphql-armor's depth, alias,
 * token, directive and cost limits, the selection counts (data fields, and introspection fields with one
 * `__schema` per operation), and (when turned off) a refusal of introspection.
 * @example plugins: [...useQueryLimits(DEFAULT_LIMITS)]
 */
export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: {
      n: limits.maxDepth,
      // Fragments do not add a level: depth is what the response's shape will be.
      flattenFragments: true,
      // armor skips `__schema` (not `__type`): its fields are bounded by maxIntrospectionFields and one
      // `__schema` per operation instead (selectionCountRule), with graphql's own 3-deep list rule.
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: refuseAs('depth'),
    },
    maxAliases: {
      n: limits.maxAliases,
      // Every alias counts, `__typename` too (armor exempts it by default; this API never did).
      allowList: [],
      propagateOnRejection: false,
      onReject: refuseAs('aliases'),
    },
    maxTokens: { n: limits.maxTokens, onReject: refuseAs('tokens') },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: refuseAs('directives') },
    costLimit: {
      maxCost: limits.maxCost,
      // As for depth: `__schema` is bounded by selectionCountRule.
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: refuseAs('cost'),
    },
    // Field suggestions ("Did you mean …?") stay: the schema is public to any reader anyway.
    blockFieldSuggestion: { enabled: false },
  });
  // One rule per server's life, not a new closure per request.
  const selectionCount = selectionCountRule(limits);
  const rules = limits.introspection ? [selectionCount] : [selectionCount, NoSchemaIntrospectionCustomRule];
  const ownRules: Plugin = {
    onParams({ params, setResult }) {
      const refusal = checkNesting(params, limits);
      if (refusal) setResult({ errors: [refusal] });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
  return [ownRules, ...(armor.protect().plugins as Plugin[])];
}
