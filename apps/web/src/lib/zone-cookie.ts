/** The cookie that remembers the viewer's time zone (an IANA name). */
export const ZONE_COOKIE = 'bm_tz';
/** The request header the proxy sets to the requested path and query (for the login return). */
export const PATH_HEADER = 'x-bytemeter-path';
