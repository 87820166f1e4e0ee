import { setTimeout as sleep } from 'node:timers/promises';
import { createLogUpdate } from 'log-update';
import type { Colors, Output } from '../paint.js';
import type { UsageReader } from '../source/usage-reader.js';
import { renderOutput } from '../write-line.js';
import { type StatusFlags, statusCommand } from './status.js';

export interface WatchOptions {
  /** Time between reads, in ms. */
  intervalMs: number;
  /** Stop after this many frames (default: until Ctrl-C or the signal). */
  count?: number;
  now: () => number;
}

/**
 * `bytemeter status --watch`: the status table read again every interval. On a terminal each frame is
 * redrawn in place (log-update rewrites only the lines that changed, clipped to the window); to a pipe
 * or file the frames follow one another, each after a blank line, with no cursor codes. Ends quietly when
 * `signal` aborts (Ctrl-C) or after `count` frames.
 * @example await watchStatus(reader, {}, { intervalMs: 1000, now: Date.now }, process.stdout, colors, signal)
 */
export async function watchStatus(
  reader: Pick<UsageReader, 'getBackendStatus'>,
  flags: StatusFlags,
  options: WatchOptions,
  out: NodeJS.WritableStream & { isTTY?: boolean },
  colors: Colors | undefined,
  signal: AbortSignal,
): Promise<void> {
  // showCursor: log-update would otherwise hide the cursor through cli-cursor, which installs its own
  // exit and signal handlers to show it again; Ctrl-C is handled by the caller.
  const draw = out.isTTY ? createLogUpdate(out, { showCursor: true }) : null;
  const seconds = options.intervalMs / 1000;
  let frames = 0;
  try {
    while (!signal.aborted) {
      const table = await statusCommand(reader, flags);
      const time = new Date(options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const header: Output = [
        { text: `Every ${seconds}s: bytemeter status  ${time}`, color: 'dim' },
        ...(draw ? [{ text: '  (Ctrl-C to stop)', color: 'dim' as const }] : []),
        { text: '\n' },
      ];
      const frame = renderOutput([...header, ...(typeof table === 'string' ? [{ text: table }] : table)], colors);
      if (draw) draw(frame);
      else out.write(`${frames > 0 ? '\n' : ''}${frame}\n`);
      frames++;
      if (options.count !== undefined && frames >= options.count) break;
      try {
        await sleep(options.intervalMs, undefined, { signal });
      } catch {
        break; // aborted: Ctrl-C or the reader went away
      }
    }
  } finally {
    // Keep the last frame on screen and leave the cursor below it.
    draw?.done();
  }
}
