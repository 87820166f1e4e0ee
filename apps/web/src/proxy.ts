import { type NextRequest, NextResponse } from 'next/server';
import { PATH_HEADER, ZONE_COOKIE } from '@/lib/zone-cookie';

/**
 * Runs before every page: passes the requested path on (so a page that finds no session can send the user
 * to /login and back), and remembers a time zone chosen with ?tz= in a cookie, so every page (backend
 * pages, explorer, export included) shows that zone until another is chosen.
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  const tz = request.nextUrl.searchParams.get('tz');
  // A prefetch is not a choice: the router prefetches links the user may never follow.
  const prefetch = request.headers.has('next-router-prefetch') || request.headers.get('purpose') === 'prefetch';
  if (tz && !prefetch && isZone(tz)) {
    response.cookies.set(ZONE_COOKIE, tz, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax' });
  }
  return response;
}

function isZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const config = { matcher: ['/((?!_next/|api/|favicon).*)'] };
