'use server';
import { redirect } from 'next/navigation';
import { startSession } from '@/lib/server/session';
import { verifyReadToken } from '@/lib/server/verify-read-token';

export interface LoginState {
  error: string | null;
}

/**
 * Where to go after logging in: the page that was asked for when it is a path on this site (never another
 * origin: `//host` and `/\\host` are refused), else the overview.
 * @example safeNext('/usage?hours=24') // '/usage?hours=24'
 */
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login')
    ? next
    : '/';
}

/** The login form's action: a verified read-only token starts a session; anything else is explained. */
export async function logIn(_previous: LoginState, form: FormData): Promise<LoginState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { error: 'Paste an API token.' };
  const problem = await verifyReadToken(token);
  if (problem) return { error: problem };
  await startSession(token);
  redirect(safeNext(String(form.get('next') ?? '')));
}
