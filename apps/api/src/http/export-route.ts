import { BACKEND_TYPES, type BackendType, fromGraphQLEnum, RESOURCE_TYPES, type ResourceType } from '@bytemeter/core';
import {
  BytemeterError,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportQuery,
  type ResourceTracker,
  ValidationError,
} from '@bytemeter/tracker';
import { GraphQLError } from 'graphql';
import { parseDateTime } from '../date-time.js';
import { exportContentType, exportFilename, exportRange } from '../export-file.js';

type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream };

function jsonError(fetchAPI: FetchAPI, status: number, code: string, message: string, details = {}): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code, ...details } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

function parseParams(url: URL) {
  const p = url.searchParams;
  const format = (p.get('format') ?? 'json').toLowerCase() as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new ValidationError('INVALID_FORMAT', `format must be one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  const fromRaw = p.get('from');
  const toRaw = p.get('to');
  let range: { from: Date; to: Date } | null = null;
  if (fromRaw !== null || toRaw !== null) {
    if (fromRaw === null || toRaw === null) throw new ValidationError('INVALID_RANGE', 'Give both from and to.');
    range = { from: parseDateTime(fromRaw), to: parseDateTime(toRaw) };
  }
  const hoursBack = p.has('hoursBack') ? Number(p.get('hoursBack')) : 168;
  const backend = p.get('backend');
  return { format, range, hoursBack, backend, filters: parseFilters(p) };
}

/** A word of a vocabulary list in either spelling (`API_CALLS` or `api_calls`); anything else is refused. */
function word<T extends string>(
  p: URLSearchParams,
  name: string,
  list: readonly T[],
  code: 'INVALID_BACKEND_TYPE' | 'INVALID_RESOURCE_TYPE',
): T | undefined {
  const raw = p.get(name);
  if (raw === null) return undefined;
  const value = fromGraphQLEnum(raw, list);
  if (value === undefined) {
    throw new ValidationError(
      code,
      `${name} must be one of ${list.map((w) => w.toUpperCase()).join(', ')}; got ${JSON.stringify(raw.slice(0, 40))}.`,
    );
  }
  return value;
}

/** The same narrowing filters as the GraphQL `export` field: backendType, resourceType, success, pathPrefix. */
function parseFilters(
  p: URLSearchParams,
): Pick<ExportQuery, 'backendType' | 'resourceType' | 'success' | 'pathPrefix'> {
  const backendType = word<BackendType>(p, 'backendType', BACKEND_TYPES, 'INVALID_BACKEND_TYPE');
  const resourceType = word<ResourceType>(p, 'resourceType', RESOURCE_TYPES, 'INVALID_RESOURCE_TYPE');
  const success = p.get('success');
  if (success !== null && success !== 'true' && success !== 'false') {
    throw new ValidationError(
      'INVALID_OPTION',
      `success must be true or false; got ${JSON.stringify(success.slice(0, 40))}.`,
    );
  }
  const pathPrefix = p.get('pathPrefix');
  return {
    ...(backendType ? { backendType } : {}),
    ...(resourceType ? { resourceType } : {}),
    ...(success !== null ? { success: success === 'true' } : {}),
    ...(pathPrefix !== null ? { pathPrefix } : {}),
  };
}

/**
 * GET /export?format=csv|ndjson|json&hoursBack=168 (or &from=…&to=… RFC 3339) [&backend=N]
 * [&backendType=S3] [&resourceType=API_CALLS] [&success=false] [&pathPrefix=cats/]: the tracker's
 * export stream as a download. Bad parameters get 400 with a BAD_USER_INPUT body before anything streams.
 */
export async function exportResponse(tracker: ResourceTracker, url: URL, fetchAPI: FetchAPI): Promise<Response> {
  let iterator: AsyncIterator<string>;
  let first: IteratorResult<string>;
  let filename: string;
  let format: ExportFormat;
  try {
    const params = parseParams(url);
    format = params.format;
    const { from, to } = exportRange(params.range, params.hoursBack);
    filename = exportFilename(format, from, to);
    const query = params.range ? { from, to, format } : { hoursBack: params.hoursBack, format };
    iterator = tracker
      .exportUsage({ ...query, ...params.filters, ...(params.backend !== null ? { backend: params.backend } : {}) })
      [Symbol.asyncIterator]();
    // Pull the first chunk now, so a refused query is a 400 and not a broken download.
    first = await iterator.next();
  } catch (error) {
    if (error instanceof BytemeterError) {
      return jsonError(fetchAPI, 400, 'BAD_USER_INPUT', error.message, { trackerCode: error.code });
    }
    if (error instanceof GraphQLError) return jsonError(fetchAPI, 400, 'BAD_USER_INPUT', error.message);
    throw error;
  }
  const encoder = new TextEncoder();
  let pending: IteratorResult<string> | null = first;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = pending ?? (await iterator.next());
      pending = null;
      if (step.done) controller.close();
      else controller.enqueue(encoder.encode(step.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: {
      'content-type': exportContentType(format),
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}
