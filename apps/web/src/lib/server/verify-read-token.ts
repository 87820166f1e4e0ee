import 'server-only';
import { clientFor, errorCode } from './bytemeter';

/**
 * Checks a token for the dashboard: the API must accept it for reading and refuse it for writing, so a
 * session never carries ingest or admin rights. Returns a message for the user, or null when it is fit.
 * @example const problem = await verifyReadToken('bm_…')
 */
export async function verifyReadToken(token: string): Promise<string | null> {
  const client = clientFor(token);
  try {
    await client.getBackends();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'UNAUTHENTICATED') return 'The API does not know this token (or it was revoked).';
    if (code === 'FORBIDDEN') return 'This token has no read scope.';
    throw error;
  }
  try {
    // An empty batch stores nothing; only the scope check can refuse it.
    await client.trackUsage([]);
  } catch (error) {
    if (errorCode(error) === 'FORBIDDEN') return null;
    throw error;
  }
  return 'This token can write (ingest or admin scope). Log in with a read-only token: `pnpm bytemeter token create --scopes read`.';
}
