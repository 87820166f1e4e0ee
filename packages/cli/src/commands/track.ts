import { randomUUID } from 'node:crypto';
import { parseByteSize } from '@bytemeter/core';
import { formatAmount, type ResourceType, type TrackOptions } from '@bytemeter/tracker';
import type { Target } from '../args.js';
import { CliError } from '../cli-error.js';
import { TRACK_HELP } from '../help.js';
import { parseBackendType, parseInstant, parseInteger } from '../options.js';
import type { UsageWriter } from '../source/usage-reader.js';

const ACTIONS = ['upload', 'download', 'storage', 'api-call', 'cost'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * Bytes as an integer with an optional unit (core's parseByteSize: B, KB…PB, KiB…PiB).
 * @example parseBytes('1.5KiB', true) // 1536
 */
export function parseBytes(text: string, signed: boolean): number {
  const bytes = parseByteSize(text);
  if (bytes === null || (!signed && bytes < 0)) {
    throw new CliError(
      `Bytes must be a${signed ? '' : ' non-negative'} whole number of bytes, optionally with a unit (e.g. 1048576, 5MiB, 1.5GB); got "${text}".`,
    );
  }
  return bytes;
}

export interface TrackFlags {
  path?: string;
  'operation-id'?: string;
  id?: string;
  at?: string;
  failed?: boolean;
  'duration-ms'?: string;
  metadata?: string;
  level?: boolean;
  json?: boolean;
}

function trackOptions(flags: TrackFlags): TrackOptions {
  let metadata: Record<string, unknown> | undefined;
  if (flags.metadata !== undefined) {
    try {
      metadata = JSON.parse(flags.metadata) as Record<string, unknown>;
    } catch {
      throw new CliError(`--metadata must be a JSON object, e.g. '{"bucket":"b"}'; got ${flags.metadata}.`);
    }
  }
  const at = parseInstant('at', flags.at);
  return {
    ...(flags.path !== undefined ? { path: flags.path } : {}),
    ...(flags['operation-id'] !== undefined ? { operationId: flags['operation-id'] } : {}),
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(at ? { timestamp: at } : {}),
    ...(flags.failed ? { success: false } : {}),
    ...(flags['duration-ms'] !== undefined
      ? { durationMs: parseInteger('duration-ms', flags['duration-ms'], 0, 0, 2_147_483_647) }
      : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

/**
 * `bytemeter track …`: records one event in the local database or sends it to the server, and returns
 * what was recorded. Input is checked before anything is opened.
 * @example await trackCommand(['upload', 'photos', 's3', '5MiB'], {}, target, openWriter)
 */
export async function trackCommand(
  positionals: readonly string[],
  flags: TrackFlags,
  target: Target,
  open: (target: Target) => Promise<{ writer: UsageWriter; where: string }>,
): Promise<string> {
  const [action, backend, typeText, amountText, ...extra] = positionals;
  if (!ACTIONS.includes(action as Action)) {
    throw new CliError(`bytemeter track needs one of ${ACTIONS.join(', ')}; got "${action ?? ''}".\n${TRACK_HELP}`);
  }
  const needsAmount = action !== 'api-call';
  if (
    !backend ||
    !typeText ||
    (needsAmount && amountText === undefined) ||
    extra.length > 0 ||
    (!needsAmount && amountText !== undefined)
  ) {
    throw new CliError(
      `bytemeter track ${action} takes <backend> <type>${needsAmount ? ` <${action === 'cost' ? 'cents' : 'bytes'}>` : ''}, e.g. \`bytemeter track ${action} photos s3${needsAmount ? (action === 'cost' ? ' 0.25' : ' 5MiB') : ''}\`.`,
    );
  }
  const type = parseBackendType(typeText, 'type')!;
  if (flags.level && action !== 'storage') throw new CliError('--level only applies to `bytemeter track storage`.');
  const options = trackOptions(flags);
  // Locally an id always, as the remote tracker gives each event one of its own (a UUIDv7): close()'s retry
  // after a write whose answer was lost is then a duplicate, never a second copy. A random UUID, not the
  // client's UUIDv7: the local path loads nothing of @bytemeter/client, and one event needs no time order.
  if (!target.endpoint) options.id ??= randomUUID();
  let resource: ResourceType;
  let amount = 1;
  if (action === 'cost') {
    amount = Number(amountText);
    if (!/^\d+(\.\d+)?$/.test(amountText ?? '')) {
      throw new CliError(`Cost must be a non-negative number of cents, e.g. 0.25; got "${amountText}".`);
    }
    resource = 'operation_cost';
  } else if (action === 'api-call') {
    resource = 'api_calls';
  } else {
    amount = parseBytes(amountText as string, action === 'storage' && !flags.level);
    resource = action === 'upload' ? 'bandwidth_upload' : action === 'download' ? 'bandwidth_download' : 'storage_used';
  }

  const { writer, where } = await open(target);
  try {
    if (action === 'upload') writer.trackBandwidthUpload(backend, type, amount, options);
    else if (action === 'download') writer.trackBandwidthDownload(backend, type, amount, options);
    else if (action === 'storage' && flags.level) writer.setStorageLevel(backend, type, amount, options);
    else if (action === 'storage') writer.trackStorageUsage(backend, type, amount, options);
    else if (action === 'api-call') writer.trackApiCall(backend, type, options);
    else writer.trackCost(backend, type, amount, options);
  } catch (error) {
    // Refused input recorded nothing; close what was opened and report it.
    await writer.commit(options.id).catch(() => {});
    throw error;
  }
  await writer.commit(options.id);

  const shown =
    resource === 'operation_cost'
      ? formatAmount(resource, Math.round(amount * 10_000))
      : formatAmount(resource, amount);
  const nouns = { upload: 'upload', download: 'download', storage: 'storage change', cost: 'cost' } as const;
  const what =
    action === 'api-call'
      ? 'an API call'
      : flags.level
        ? `storage level ${shown}`
        : `${nouns[action as keyof typeof nouns]} of ${shown}`;
  if (flags.json) {
    return JSON.stringify(
      {
        recorded: {
          backend,
          backendType: type,
          resourceType: resource,
          amount,
          level: flags.level ?? false,
          ...options,
        },
        where,
      },
      null,
      2,
    );
  }
  return `Recorded ${what} for ${backend} (${type})${options.success === false ? ', failed' : ''} in ${where}.`;
}
