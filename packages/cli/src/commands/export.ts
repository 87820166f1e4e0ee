import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { type ExportFormat, formatBytes, formatCount } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';
import { ProgressBar } from '../progress-bar.js';
import type { UsageReader } from '../source/usage-reader.js';

/** Exports at least this long get a progress bar by default (on a terminal). */
const LONG_EXPORT = 10_000;

export interface ExportFlags {
  hours: number;
  format: ExportFormat;
  backend?: string;
  /** A file path; undefined or '-' writes to stdout. */
  output?: string;
  /** true/false forces the bar on or off; undefined: on for long exports to a file when stderr is a terminal. */
  progress?: boolean;
  now: number;
  /** An explicit window (--from/--to) instead of the last `hours`. */
  from?: Date;
  to?: Date;
}

export interface ExportIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

/** Events in the text written so far: one line per event. */
function eventsIn(format: ExportFormat, newlines: number): number {
  if (format === 'ndjson') return newlines;
  // CSV starts with a header line; JSON puts each event on a line after '[' (its closing lines come last).
  if (format === 'csv') return Math.max(0, newlines - 1);
  return newlines;
}

/**
 * `bytemeter export`: streams every event of the window to a file or stdout, never holding it all in memory.
 * Returns the line to print on stderr when done.
 * @example await exportCommand(tracker, { hours: 168, format: 'csv', output: 'usage.csv', now: Date.now() }, io)
 */
export async function exportCommand(
  reader: Pick<UsageReader, 'exportUsage' | 'getResourceUsage'>,
  flags: ExportFlags,
  io: ExportIo,
): Promise<string> {
  const to = flags.to ?? new Date(flags.now);
  const from = flags.from ?? new Date(to.getTime() - Math.round(flags.hours * 3_600_000));
  const filter = flags.backend !== undefined ? { backend: flags.backend } : {};
  const toFile = flags.output !== undefined && flags.output !== '-';
  const { totalCount } = await reader.getResourceUsage({ from, to, limit: 1, ...filter });
  const showBar = flags.progress ?? (toFile && io.stderr.isTTY === true && totalCount >= LONG_EXPORT);
  const bar = showBar ? new ProgressBar(io.stderr, totalCount) : undefined;

  let out: Writable = io.stdout;
  if (toFile) {
    out = createWriteStream(flags.output as string, { flags: 'w' });
    await Promise.race([
      once(out, 'open'),
      once(out, 'error').then(([error]) => {
        throw new CliError(`Cannot write ${flags.output}: ${(error as Error).message}`, EXIT.FAILURE);
      }),
    ]);
  }
  let bytes = 0;
  let newlines = 0;
  // A reader that stops early (`bytemeter export | head -1`) closes the pipe: that ends the export quietly,
  // like any Unix filter, instead of a `write EPIPE` crash. Any other write error is a failure.
  let failed: (Error & { code?: string }) | undefined;
  const onError = (error: Error) => {
    failed ??= error;
  };
  out.on('error', onError);
  try {
    for await (const chunk of reader.exportUsage({ from, to, format: flags.format, ...filter })) {
      if (failed || out.destroyed) break;
      bytes += Buffer.byteLength(chunk);
      for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) newlines++;
      // Respect backpressure so memory stays flat however big the export.
      if (!out.write(chunk)) await drained(out);
      bar?.update(eventsIn(flags.format, newlines), bytes);
    }
  } finally {
    if (toFile) {
      out.end();
      await once(out, 'close');
    }
    out.off('error', onError);
  }
  if (failed && failed.code !== 'EPIPE') {
    throw new CliError(`Cannot write ${toFile ? flags.output : 'the export'}: ${failed.message}`, EXIT.FAILURE);
  }
  const events = flags.format === 'json' ? Math.max(0, newlines - 2) : eventsIn(flags.format, newlines);
  bar?.finish(events, bytes);
  const where = toFile ? ` to ${flags.output}` : '';
  return `Exported ${formatCount(events)} ${events === 1 ? 'event' : 'events'} (${formatBytes(bytes)}, ${flags.format}) from ${from.toISOString()} to ${to.toISOString()}${where}.`;
}

/** Waits until `out` takes more, or can take nothing more (closed or failed: the loop then stops). */
async function drained(out: Writable): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([once(out, 'drain', { signal: stop.signal }), once(out, 'close', { signal: stop.signal })]);
  } catch {
    // An 'error' rejects the wait; onError has recorded it.
  } finally {
    stop.abort();
  }
}
