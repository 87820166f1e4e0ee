import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { NavBar } from '@/components/nav-bar';
import { sessionToken } from '@/lib/server/session';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'bytemeter', template: '%s · bytemeter' },
  description: 'What your application spends on storage backends, live.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const loggedIn = (await sessionToken()) !== null;
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#content">
          Skip to content
        </a>
        <NavBar loggedIn={loggedIn} />
        <main id="content">{children}</main>
      </body>
    </html>
  );
}
