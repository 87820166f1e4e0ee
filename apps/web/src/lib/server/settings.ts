import 'server-only';

/**
 * Where the dashboard's server finds the API: BYTEMETER_API_URL, else http://BYTEMETER_API_HOST:BYTEMETER_API_PORT
 * (defaults 127.0.0.1:4000), read per request so one build serves any deployment.
 * @example fetch(`${apiUrl()}/graphql`)
 */
export function apiUrl(): string {
  const explicit = process.env.BYTEMETER_API_URL;
  if (explicit) return explicit.replace(/\/+$/, '');
  const host = process.env.BYTEMETER_API_HOST || '127.0.0.1';
  const port = process.env.BYTEMETER_API_PORT || '4000';
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
