// The export form's target: the form's filters become an export through @bytemeter/client (the API's
// streamed /export) with the session's read token; the browser gets a plain download, chunk by chunk.
import { EXPORT_FORMATS, type ExportFormat } from '@bytemeter/core';
import { clientFor, errorCode } from '@/lib/server/bytemeter';
import { sessionToken } from '@/lib/server/session';
import { chosenZone } from '@/lib/server/zone';
import { parseUsageFilters } from '@/lib/usage-filters';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = parseUsageFilters(params, await chosenZone(params.tz));
  const format: ExportFormat = EXPORT_FORMATS.includes(params.format as ExportFormat)
    ? (params.format as ExportFormat)
    : 'csv';
  let stream: Awaited<ReturnType<ReturnType<typeof clientFor>['exportUsage']>>;
  try {
    // parseUsageFilters sets only the filters asked for, so every one of them reaches the export as is.
    const { range, hoursBack, ...narrowing } = filters;
    stream = await clientFor(await sessionToken()).exportUsage({
      format,
      ...narrowing,
      ...(range ? { range } : { hoursBack }),
      signal: request.signal,
    });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'UNAUTHENTICATED') {
      const back = `/export?${new URL(request.url).searchParams}`;
      return new Response(null, { status: 303, headers: { location: `/login?next=${encodeURIComponent(back)}` } });
    }
    const message = error instanceof Error ? error.message : String(error);
    return Response.json({ errors: [{ message, extensions: { code } }] }, { status: code === 'NETWORK' ? 502 : 400 });
  }
  const encoder = new TextEncoder();
  const chunks = stream[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await chunks.next();
      if (step.done) controller.close();
      else controller.enqueue(encoder.encode(step.value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': stream.contentType,
      'content-disposition': `attachment; filename="${stream.filename}"`,
      'cache-control': 'no-store',
    },
  });
}
