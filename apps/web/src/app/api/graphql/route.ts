// The browser's GraphQL endpoint (urql's queries and SSE subscriptions): read operations only, forwarded with
// the session's read token, so no token ever reaches the page.
import { Kind, parse } from 'graphql';
import { proxyToApi } from '@/lib/server/proxy';

export const dynamic = 'force-dynamic';

const refuse = (status: number, message: string) =>
  Response.json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }, { status });

export async function POST(request: Request): Promise<Response> {
  const body = await request.text();
  if (body.length > 64 * 1024) return refuse(413, 'The dashboard forwards queries up to 64 KiB.');
  let query: unknown;
  try {
    query = (JSON.parse(body) as { query?: unknown }).query;
  } catch {
    return refuse(400, 'The body must be JSON: { query, variables }.');
  }
  if (typeof query !== 'string') return refuse(400, 'The body needs a query string.');
  try {
    const document = parse(query);
    const writes = document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
    if (writes) return refuse(403, 'The dashboard is read-only: mutations are not forwarded.');
  } catch {
    return refuse(400, 'The query does not parse.');
  }
  return proxyToApi(request, '/graphql', { method: 'POST', body });
}
