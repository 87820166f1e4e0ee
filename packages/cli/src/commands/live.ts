import { formatBytes, formatMbps } from '@bytemeter/tracker';
import type { Output } from '../paint.js';
import type { LiveSample } from '../source/live-source.js';

export interface LiveFlags {
  json?: boolean;
  /** Stop after this many samples (default: until Ctrl-C). */
  count?: number;
}

/** One sample as a line: the time, what went up and down, and the rate. */
export function liveLine(s: LiveSample, flags: LiveFlags): Output {
  if (flags.json) return JSON.stringify(s);
  const time = s.timestamp.slice(11, 19);
  return [
    { text: `${time}  ` },
    {
      text: `↑ ${formatMbps(s.uploadMbps).padStart(13)} ${`(${formatBytes(s.uploadBytes)})`.padEnd(13)}`,
      color: s.uploadBytes > 0 ? 'green' : 'dim',
    },
    { text: '  ' },
    {
      text: `↓ ${formatMbps(s.downloadMbps).padStart(13)} ${`(${formatBytes(s.downloadBytes)})`.padEnd(13)}`,
      color: s.downloadBytes > 0 ? 'green' : 'dim',
    },
    { text: `  total ${formatMbps(s.totalMbps)}` },
  ];
}

/**
 * `bytemeter live`: a line per interval (default each second) of the bytes moved, from the live
 * subscription through --endpoint or the local database, until Ctrl-C or --count samples.
 * @example await liveCommand(liveSamples(target, { intervalMs: 1000 }, signal), {}, print)
 */
export async function liveCommand(
  samples: AsyncIterable<LiveSample>,
  flags: LiveFlags,
  print: (line: Output) => void,
  signal?: AbortSignal,
): Promise<void> {
  let n = 0;
  for await (const sample of samples) {
    if (signal?.aborted) break;
    print(liveLine(sample, flags));
    if (flags.count !== undefined && ++n >= flags.count) break;
  }
}
