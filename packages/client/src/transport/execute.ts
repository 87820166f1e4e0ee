import { print } from '@0no-co/graphql.web';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import { type GraphQLErrorItem, GraphQLRequestError, HttpError, NetworkError } from '../errors.js';
import { authHeaders, type Connection, requestSignal } from './connection.js';

const printed = new WeakMap<object, string>();

/** The query text of a document, printed once per document. */
export function queryText(document: TadaDocumentNode<any, any>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * Runs one typed query or mutation over HTTP POST and returns its `data`. Throws NetworkError (no answer),
 * GraphQLRequestError (the API refused it) or HttpError (an answer that is not GraphQL).
 * @example const data = await executeOperation(connection, BackendsQuery, {})
 */
export async function executeOperation<D extends TadaDocumentNode<any, any>>(
  connection: Connection,
  document: D,
  variables: VariablesOf<D>,
  signal?: AbortSignal,
): Promise<ResultOf<D>> {
  return (await postGraphQL(
    connection,
    JSON.stringify({ query: queryText(document), variables }),
    signal,
  )) as ResultOf<D>;
}

/**
 * POSTs a GraphQL request body made by the caller (JSON text, or its UTF-8 bytes) and returns its `data`,
 * with executeOperation's errors. For the remote tracker, which writes its batches' bodies itself.
 */
export async function postGraphQL(
  connection: Connection,
  body: string | Uint8Array<ArrayBuffer>,
  signal?: AbortSignal,
): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await connection.fetch(connection.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...authHeaders(connection),
      },
      body,
      signal: requestSignal(connection, signal),
    });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new NetworkError(connection.graphqlUrl, error);
  }
  let parsed: { data?: unknown; errors?: GraphQLErrorItem[] } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (parsed && Array.isArray(parsed.errors) && parsed.errors.length > 0) {
    throw new GraphQLRequestError(parsed.errors, response.status);
  }
  if (!response.ok || !parsed || parsed.data === undefined || parsed.data === null) {
    throw new HttpError(connection.graphqlUrl, response.status, text);
  }
  return parsed.data;
}
