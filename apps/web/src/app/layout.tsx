import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { AlertBanner } from '@/components/budgets/alert-banner';
import { NavBar } from '@/components/nav-bar';
import { BytemeterUrqlProvider } from '@/components/urql-provider';
import { ZoneDefault } from '@/components/zone-default';
import { sessionToken } from '@/lib/server/session';
import { ZONE_COOKIE } from '@/lib/zone-cookie';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'bytemeter', template: '%s · bytemeter' },
  description: 'What your application spends on storage backends, live.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const loggedIn = (await sessionToken()) !== null;
  const remembered = (await cookies()).has(ZONE_COOKIE);
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#content">
          Skip to content
        </a>
        <NavBar loggedIn={loggedIn} />
        {/* Budget alerts, live on every page; subscribed afresh when a session starts or ends. */}
        <BytemeterUrqlProvider key={loggedIn ? 'session' : 'none'}>
          <AlertBanner />
        </BytemeterUrqlProvider>
        <main id="content">{children}</main>
        <ZoneDefault remembered={remembered} />
      </body>
    </html>
  );
}
