import type { Writable } from 'node:stream';
import { type CopyResult, copyStore, formatCount } from '@bytemeter/tracker';
import { ProgressBar } from '../progress-bar.js';

export interface CopyFlags {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL URL. */
  to: string;
  json: boolean;
  /** true/false forces the bar on or off; undefined: on when stderr is a terminal. */
  progress?: boolean;
  signal?: AbortSignal;
}

export interface CopyIo {
  stderr: Writable & { isTTY?: boolean };
}

/** What each table's rows are, in the summary line. */
const TABLE_WORDS: Record<string, string> = {
  events: 'raw events',
  rollups: 'rollups',
  event_keys: 'idempotency keys',
  backends: 'backends',
  backend_state: 'storage levels',
  api_tokens: 'API tokens',
};

/**
 * `bytemeter copy`: the SQLite file into a PostgreSQL database, with a progress bar on a terminal.
 * Returns what to print on stdout: one summary line, or the result as JSON.
 * @example await copyCommand({ from: 'usage.db', to: 'postgres://postgres@127.0.0.1/usage', json: false }, io)
 */
export async function copyCommand(flags: CopyFlags, io: CopyIo): Promise<string> {
  const showBar = flags.progress ?? io.stderr.isTTY === true;
  let bar: ProgressBar | undefined;
  let last = 0;
  let result: CopyResult;
  try {
    result = await copyStore({
      from: flags.from,
      to: flags.to,
      ...(flags.signal ? { signal: flags.signal } : {}),
      onProgress: ({ copied, total }) => {
        if (!showBar) return;
        bar ??= new ProgressBar(io.stderr, total, 100, Date.now, 'rows');
        last = copied;
        bar.update(copied);
      },
    });
  } finally {
    // Also when the copy stops: the bar's line ends before the message that says why.
    bar?.finish(last);
  }
  return flags.json ? JSON.stringify(result, null, 2) : summaryLine(result);
}

/** One line: what is in the target now, and what this run did. */
export function summaryLine(r: CopyResult): string {
  const parts = Object.entries(TABLE_WORDS).map(([table, words]) => `${formatCount(r.tables[table] ?? 0)} ${words}`);
  const seconds = (r.durationMs / 1000).toFixed(1);
  const what = r.alreadyComplete
    ? `Already copied: nothing to do. ${r.to} holds`
    : `${r.resumed ? 'Resumed and copied' : 'Copied'} ${formatCount(r.copiedThisRun)} rows in ${seconds} s from ${r.from} into ${r.to}, which holds`;
  return `${what} ${parts.join(', ')}; the counts and sums of every table are equal on both stores.`;
}
