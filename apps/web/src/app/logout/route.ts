// Ends the session (POST only, so a link or prefetch cannot log anyone out).
import { endSession } from '@/lib/server/session';

export async function POST(): Promise<Response> {
  await endSession();
  // A relative Location: Next reports its own URL as localhost, which may not be the host the user used.
  return new Response(null, { status: 303, headers: { location: '/login' } });
}
