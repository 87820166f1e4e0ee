import type { ExportFormat } from '@bytemeter/tracker';
import { builder } from '../builder.js';
import { apiError } from '../errors.js';
import { EXPORT_INLINE_CAP, exportContentType, exportFilename, exportRange } from '../export-file.js';
import { BackendTypeEnum, ExportFormatEnum, ResourceTypeEnum } from './enums.js';
import { TimeRange } from './scalars.js';

interface ExportResult {
  format: ExportFormat;
  filename: string;
  contentType: string;
  eventCount: number;
  content: string;
}

const ExportResultRef = builder.objectRef<ExportResult>('ExportResult').implement({
  fields: (t) => ({
    format: t.expose('format', { type: ExportFormatEnum }),
    filename: t.exposeString('filename'),
    contentType: t.exposeString('contentType'),
    eventCount: t.expose('eventCount', { type: 'SafeInt' }),
    content: t.exposeString('content'),
  }),
});

builder.queryField('export', (t) =>
  t.field({
    type: ExportResultRef,
    description: `Events of the last \`hoursBack\` hours (or \`range\`) as one document, up to ${EXPORT_INLINE_CAP} events; a bigger range is refused (BAD_USER_INPUT, trackerCode RANGE_TOO_LARGE): stream it from GET /export instead.`,
    args: {
      hoursBack: t.arg.int({ defaultValue: 168 }),
      range: t.arg({ type: TimeRange }),
      format: t.arg({ type: ExportFormatEnum, defaultValue: 'json' }),
      backend: t.arg.string(),
      backendType: t.arg({ type: BackendTypeEnum }),
      resourceType: t.arg({ type: ResourceTypeEnum, description: 'Only events of this resource.' }),
      success: t.arg.boolean({ description: 'Only events of operations that succeeded (true) or failed (false).' }),
      pathPrefix: t.arg.string({
        description: 'Only events whose path starts with this text (exact, case-sensitive, no wildcards).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const format = args.format ?? 'json';
      const { from, to } = exportRange(args.range, args.hoursBack ?? 168);
      const query = {
        from,
        to,
        ...(args.backend != null ? { backend: args.backend } : {}),
        ...(args.backendType ? { backendType: args.backendType } : {}),
        ...(args.resourceType ? { resourceType: args.resourceType } : {}),
        ...(args.success != null ? { success: args.success } : {}),
        ...(args.pathPrefix != null ? { pathPrefix: args.pathPrefix } : {}),
      };
      const { totalCount } = await ctx.tracker.getResourceUsage({ ...query, limit: 1 });
      if (totalCount > ctx.exportCap) {
        throw apiError(
          'BAD_USER_INPUT',
          `The range holds ${totalCount} events; the export field returns at most ${ctx.exportCap}. Narrow the range or stream it from GET /export.`,
          { trackerCode: 'RANGE_TOO_LARGE', eventCount: totalCount, cap: ctx.exportCap },
        );
      }
      let content = '';
      for await (const chunk of ctx.tracker.exportUsage({ ...query, format })) content += chunk;
      return {
        format,
        filename: exportFilename(format, from, to),
        contentType: exportContentType(format),
        eventCount: totalCount,
        content,
      };
    },
  }),
);
