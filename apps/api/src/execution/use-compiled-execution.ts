import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries and mutations run through graphql-jit: each document is compiled once (Yoga's parse cache hands
 * back the same document object for the same text, which keys the compiled form) into a function that
 * resolves and serialises without walking the AST per request; the usageSummary profile spent more time in
 * graphql-tools' executor than in the read. Subscriptions keep the standard executor, which the live hub
 * and the revocation plugin are written and tested against.
 */
export function useCompiledExecution(): Plugin {
  return useGraphQlJit(
    {},
    {
      enableIf: (args) => getOperationAST(args.document, args.operationName ?? undefined)?.operation !== 'subscription',
    },
  ) as Plugin;
}
