import 'server-only';
import { ApiError, graphqlRequest } from './bytemeter';

/**
 * Checks a token for the dashboard: the API must accept it for reading and refuse it for writing, so a
 * session never carries ingest or admin rights. Returns a message for the user, or null when it is fit.
 * @example const problem = await verifyReadToken('bm_…')
 */
export async function verifyReadToken(token: string): Promise<string | null> {
  try {
    await graphqlRequest('query Probe { backends { name } }', {}, token);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED')
      return 'The API does not know this token (or it was revoked).';
    if (error instanceof ApiError && error.code === 'FORBIDDEN') return 'This token has no read scope.';
    throw error;
  }
  try {
    // An empty batch stores nothing; only the scope check can refuse it.
    await graphqlRequest('mutation Probe { trackUsage(events: []) { accepted } }', {}, token);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'FORBIDDEN') return null;
    throw error;
  }
  return 'This token can write (ingest or admin scope). Log in with a read-only token: `pnpm bytemeter token create --scopes read`.';
}
