import 'server-only';
import { randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';

/** The session cookie: an opaque id; the read token it stands for never leaves this server. */
export const SESSION_COOKIE = 'bm_session';
const MAX_AGE_S = 12 * 60 * 60;

interface Session {
  token: string;
  expiresAt: number;
}

// One map per server process (kept on globalThis so every route bundle shares it); a restart logs everyone out.
const holder = globalThis as { __bytemeterSessions?: Map<string, Session> };
holder.__bytemeterSessions ??= new Map();
const store = holder.__bytemeterSessions;

/**
 * The API token of the caller's session, or null when there is none (or it expired).
 * @example const token = await sessionToken(); // 'bm_…' or null
 */
export async function sessionToken(): Promise<string | null> {
  const id = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!id) return null;
  const session = store.get(id);
  if (!session) return null;
  if (session.expiresAt <= Date.now()) {
    store.delete(id);
    return null;
  }
  return session.token;
}

/**
 * Starts a session for a verified read token and sets the httpOnly cookie (server actions only).
 * @example await startSession(token)
 */
export async function startSession(token: string): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  store.set(id, { token, expiresAt: Date.now() + MAX_AGE_S * 1000 });
  (await cookies()).set(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    maxAge: MAX_AGE_S,
    secure: process.env.BYTEMETER_WEB_SECURE_COOKIES === '1',
  });
}

/**
 * Ends the caller's session.
 * @example await endSession()
 */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  const id = jar.get(SESSION_COOKIE)?.value;
  if (id) store.delete(id);
  jar.delete(SESSION_COOKIE);
}
