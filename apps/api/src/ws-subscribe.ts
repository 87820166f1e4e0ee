import { GraphQLError, getOperationAST } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Api } from './create-api.js';
import { apiError, toClosedCode } from './errors.js';
import { checkNesting } from './limits/nesting-guard.js';
import type { QueryLimits } from './limits/query-limits.js';

/**
 * graphql-ws's onSubscribe for this API: the same nesting guard, parser (with armor's token limit) and
 * validation as HTTP. A document that does not parse is answered with an error message on the
 * subscription (BAD_USER_INPUT) rather than thrown, which graphql-ws would turn into closing the whole
 * socket with 4500 "Internal error".
 * @example onSubscribe: (ctx, _id, payload) => subscribeOperation(yoga, limits, credentials(ctx), payload)
 */
export async function subscribeOperation(
  yoga: Api,
  limits: QueryLimits,
  serverContext: { connectionParams?: Readonly<Record<string, unknown>> },
  payload: SubscribePayload,
) {
  const refusal = checkNesting(payload, limits);
  if (refusal) return [refusal];
  const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped(serverContext);
  let document: ReturnType<typeof parse>;
  try {
    document = parse(payload.query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const code = error.extensions?.code;
    return [toClosedCode(typeof code === 'string' ? error : withParseCode(error))];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return errors.map(toClosedCode);
  // graphql-ws answers an operation it cannot pick with an error and no onComplete, so a slot taken for it
  // would stay taken until the socket closes: refused here, before any slot is taken.
  if (!getOperationAST(document, payload.operationName ?? undefined)) {
    return [
      apiError(
        'BAD_USER_INPUT',
        payload.operationName
          ? `No operation named "${payload.operationName}" in the document.`
          : 'The document holds several operations; name the one to run (operationName).',
      ),
    ];
  }
  return {
    schema,
    document,
    operationName: payload.operationName ?? null,
    variableValues: payload.variables ?? null,
    contextValue: await contextFactory(),
    rootValue: { execute, subscribe },
  };
}

function withParseCode(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code: 'GRAPHQL_PARSE_FAILED' },
  });
}
