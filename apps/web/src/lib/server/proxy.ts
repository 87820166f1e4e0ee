import 'server-only';
import { sessionToken } from './session';
import { apiUrl } from './settings';

/**
 * Forwards the browser's urql request to the API with the session's read token, streaming the answer back
 * (SSE subscriptions included): the browser only ever talks to this server, and the documents it sends are
 * @bytemeter/client's typed ones.
 * @example return proxyToApi(request, '/graphql', { method: 'POST', body })
 */
export async function proxyToApi(
  request: Request,
  path: string,
  init: { method: string; body?: string },
): Promise<Response> {
  const token = await sessionToken();
  const headers: Record<string, string> = { accept: request.headers.get('accept') ?? '*/*' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let upstream: Response;
  try {
    upstream = await fetch(`${apiUrl()}${path}`, { ...init, headers, signal: request.signal, cache: 'no-store' });
  } catch {
    return Response.json(
      { errors: [{ message: 'The bytemeter API is unreachable.', extensions: { code: 'API_UNREACHABLE' } }] },
      { status: 502 },
    );
  }
  const out = new Headers({ 'cache-control': 'no-store' });
  for (const name of ['content-type', 'content-disposition']) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
