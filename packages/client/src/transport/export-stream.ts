import { type GraphQLErrorItem, GraphQLRequestError, HttpError, NetworkError } from '../errors.js';
import { authHeaders, type Connection } from './connection.js';

/** What to export: the last `hoursBack` hours (default 168) or `range`, in one format, optionally narrowed. */
export interface ExportOptions {
  format?: 'json' | 'csv' | 'ndjson';
  hoursBack?: number;
  range?: { from: string | Date; to: string | Date };
  backend?: string;
  /** GraphQL spelling (`S3`); the lower-case word works too. */
  backendType?: string;
  /** Only events of this resource, GraphQL spelling (`API_CALLS`); the lower-case word works too. */
  resourceType?: string;
  /** Only events of operations that succeeded (true) or failed (false). */
  success?: boolean;
  /** Only events whose path starts with this text (exact, case-sensitive). */
  pathPrefix?: string;
  signal?: AbortSignal;
}

/** A streamed export: iterate it for text chunks; `filename` and `contentType` come from the response. */
export interface ExportStream extends AsyncIterable<string> {
  readonly filename: string;
  readonly contentType: string;
}

const iso = (d: string | Date) => (typeof d === 'string' ? d : d.toISOString());

/**
 * GET /export as a stream of text chunks, never holding the whole export in memory. Refused parameters
 * reject before the first chunk (GraphQLRequestError with BAD_USER_INPUT).
 * @example for await (const chunk of await openExportStream(connection, { format: 'csv' })) out.write(chunk)
 */
export async function openExportStream(connection: Connection, options: ExportOptions = {}): Promise<ExportStream> {
  const url = new URL(`${connection.baseUrl}/export`);
  url.searchParams.set('format', options.format ?? 'json');
  if (options.range) {
    url.searchParams.set('from', iso(options.range.from));
    url.searchParams.set('to', iso(options.range.to));
  } else if (options.hoursBack !== undefined) {
    url.searchParams.set('hoursBack', String(options.hoursBack));
  }
  if (options.backend !== undefined) url.searchParams.set('backend', options.backend);
  if (options.backendType !== undefined) url.searchParams.set('backendType', options.backendType);
  if (options.resourceType !== undefined) url.searchParams.set('resourceType', options.resourceType);
  if (options.success !== undefined) url.searchParams.set('success', String(options.success));
  if (options.pathPrefix !== undefined) url.searchParams.set('pathPrefix', options.pathPrefix);
  let response: Response;
  try {
    // No time limit here: a long export may legitimately stream for minutes.
    response = await connection.fetch(url, {
      headers: authHeaders(connection),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new NetworkError(url.origin, error);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    let errors: GraphQLErrorItem[] | undefined;
    try {
      errors = (JSON.parse(text) as { errors?: GraphQLErrorItem[] }).errors;
    } catch {
      errors = undefined;
    }
    if (errors && errors.length > 0) throw new GraphQLRequestError(errors, response.status);
    throw new HttpError(url.toString(), response.status, text);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `bytemeter-usage.${options.format ?? 'json'}`;
  const body = response.body;
  return {
    filename,
    contentType: response.headers.get('content-type') ?? '',
    async *[Symbol.asyncIterator]() {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          let step: Awaited<ReturnType<typeof reader.read>>;
          try {
            step = await reader.read();
          } catch (error) {
            throw new NetworkError(url.origin, error);
          }
          if (step.done) return;
          if (step.value) yield step.value;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}
