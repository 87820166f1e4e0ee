// The export form's target: turns the form's filters into the API's /export query and streams the file
// through with the session's read token (the browser gets a plain download).
import { proxyToApi } from '@/lib/server/proxy';
import { parseUsageFilters } from '@/lib/usage-filters';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = parseUsageFilters(params);
  const q = new URLSearchParams({
    format: ['csv', 'ndjson', 'json'].includes(params.format ?? '') ? params.format! : 'csv',
  });
  if (filters.range) {
    q.set('from', filters.range.from);
    q.set('to', filters.range.to);
  } else q.set('hoursBack', String(filters.hoursBack));
  if (filters.backend) q.set('backend', filters.backend);
  return proxyToApi(request, `/export?${q}`, { method: 'GET' });
}
