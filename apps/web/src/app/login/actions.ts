'use server';
import { redirect } from 'next/navigation';
import { startSession } from '@/lib/server/session';
import { verifyReadToken } from '@/lib/server/verify-read-token';

export interface LoginState {
  error: string | null;
}

/** The login form's action: a verified read-only token starts a session; anything else is explained. */
export async function logIn(_previous: LoginState, form: FormData): Promise<LoginState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { error: 'Paste an API token.' };
  const problem = await verifyReadToken(token);
  if (problem) return { error: problem };
  await startSession(token);
  redirect('/');
}
