// Ends the session (POST only, so a link or prefetch cannot log anyone out).
import { endSession } from '@/lib/server/session';

export async function POST(request: Request): Promise<Response> {
  await endSession();
  return Response.redirect(new URL('/login', request.url), 303);
}
