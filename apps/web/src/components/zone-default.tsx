'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { parseTimeZone } from '@/lib/time-zones';
import { ZONE_COOKIE } from '@/lib/zone-cookie';

/**
 * On a first visit (no zone remembered yet) remembers the browser's own time zone and re-renders, so
 * times are local from the start; a zone chosen later replaces it.
 * @example <ZoneDefault remembered={false} />
 */
export function ZoneDefault({ remembered }: { remembered: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (remembered) return;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox; one fixed, encoded value
    document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    // Without a cookie the server drew the page in UTC: in UTC itself a second render would change nothing.
    if (parseTimeZone(zone) !== 'UTC') router.refresh();
  }, [remembered, router]);
  return null;
}
