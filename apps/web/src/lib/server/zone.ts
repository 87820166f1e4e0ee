import 'server-only';
import { cookies } from 'next/headers';
import { parseTimeZone } from '../time-zones';
import { ZONE_COOKIE } from '../zone-cookie';

/**
 * The zone a page shows: ?tz= when given, else the remembered one (cookie; the browser's own zone on a
 * first visit, see <ZoneDefault>), else UTC.
 * @example const timezone = await chosenZone(first(searchParams.tz))
 */
export async function chosenZone(param: string | undefined): Promise<string> {
  return parseTimeZone(param || (await cookies()).get(ZONE_COOKIE)?.value);
}
