import type { Metadata } from 'next';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Log in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = (await searchParams).next;
  return (
    <>
      <h1>bytemeter</h1>
      <LoginForm next={typeof next === 'string' ? next : ''} />
    </>
  );
}
