'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/cost', label: 'Cost' },
  { href: '/usage', label: 'Usage explorer' },
  { href: '/export', label: 'Export' },
  { href: '/budgets', label: 'Budgets' },
];

/** The top navigation; marks the current page for screen readers (aria-current); log out when in a session. */
export function NavBar({ loggedIn }: { loggedIn: boolean }) {
  const path = usePathname();
  return (
    <header className="top">
      <div className="inner">
        {/* No prefetch: every page is rendered per request (force-dynamic), so a prefetch only fetches the
            shared layout, about 1 KB a link on every first visit, for no faster click. */}
        <Link className="brand" href="/" prefetch={false}>
          bytemeter
        </Link>
        <nav aria-label="Main">
          <ul>
            {LINKS.map((l) => (
              <li key={l.href}>
                <Link
                  href={l.href}
                  prefetch={false}
                  aria-current={(l.href === '/' ? path === '/' : path.startsWith(l.href)) ? 'page' : undefined}
                >
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {loggedIn ? (
          <form method="post" action="/logout" className="logout">
            <button type="submit" className="button secondary">
              Log out
            </button>
          </form>
        ) : null}
      </div>
    </header>
  );
}
