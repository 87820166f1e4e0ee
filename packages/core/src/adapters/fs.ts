// The local filesystem as a backend: node:fs/promises and streams that record bytes read and written
// and the change in stored bytes (apparent file sizes, as `stat` reports them).
import { createReadStream, createWriteStream, type ReadStream, statSync, type WriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { assertBackendName, assertBackendType } from '../event-rules.js';
import { type InstrumentErrorHandler, safely, warnOnce } from '../instrument/observe-call.js';
import { recordCall } from '../instrument/record-call.js';
import type { UsageRecorder } from '../recorder.js';
import { getDefaultRecorder } from '../recorder.js';
import type { BackendType } from '../vocabulary.js';

export interface FsInstrumentOptions {
  /** Backend name, e.g. 'scratch-disk'. */
  backend: string;
  /** Default 'local'. */
  type?: BackendType;
  /** Where to record: any UsageRecorder (a local or a remote tracker); default getDefaultRecorder(), resolved per call. */
  tracker?: UsageRecorder;
  /** Told when recording fails (e.g. removing files stored before tracking began); default one warning. */
  onError?: InstrumentErrorHandler;
}

type PathLike = string | Buffer | URL;

/** The instrumented subset of node:fs/promises and node:fs streams, with the same signatures. */
export interface InstrumentedFs {
  writeFile: typeof fsp.writeFile;
  appendFile: typeof fsp.appendFile;
  readFile: typeof fsp.readFile;
  rm: typeof fsp.rm;
  unlink: typeof fsp.unlink;
  createReadStream: typeof createReadStream;
  createWriteStream: typeof createWriteStream;
}

/** Bytes stored at a path: a file's size, a directory's files summed, 0 when nothing is there. */
async function storedBytes(path: PathLike): Promise<number> {
  let st: Awaited<ReturnType<typeof fsp.lstat>>;
  try {
    st = await fsp.lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  if (!st.isDirectory()) return st.size;
  const dir = path instanceof URL ? path : path.toString();
  let total = 0;
  for (const entry of await fsp.readdir(dir)) {
    total += await storedBytes(dir instanceof URL ? new URL(entry, `${dir.href}/`) : join(dir, entry));
  }
  return total;
}

function storedBytesSync(path: PathLike): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const pathText = (path: unknown): string | undefined =>
  typeof path === 'string'
    ? path
    : path instanceof URL
      ? path.pathname
      : Buffer.isBuffer(path)
        ? path.toString()
        : undefined;

function encodingOf(options: unknown): BufferEncoding {
  if (typeof options === 'string') return options as BufferEncoding;
  const encoding = (options as { encoding?: unknown } | null | undefined)?.encoding;
  return typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
}

/**
 * Local-disk counterparts of fs/promises writeFile, appendFile, readFile, rm, unlink and of
 * createReadStream/createWriteStream. Each call records one API call (success or failure, latency),
 * the bytes read or written, and the change in stored bytes measured with `stat` before and after (so
 * overwrites, appends and recursive removals come out exact; a failed call records what it changed).
 * Paths only: a FileHandle or file descriptor is passed through unrecorded.
 * @example
 * const disk = instrumentFs({ backend: 'scratch' });
 * await disk.writeFile('/tmp/a.bin', new Uint8Array(1024)); // +1 KiB up, +1 KiB stored
 * disk.createReadStream('/tmp/a.bin').pipe(process.stdout); // 1 KiB down, when the stream closes
 */
export function instrumentFs(options: FsInstrumentOptions): InstrumentedFs {
  const { backend } = options;
  const type = options.type ?? 'local';
  assertBackendName(backend);
  assertBackendType(type);
  const onError = options.onError ?? warnOnce;

  const record = (
    op: string,
    path: unknown,
    startedAt: number,
    amounts: { up?: number; down?: number; stored?: number },
    error?: unknown,
  ) => {
    const metadata: Record<string, unknown> = { operation: op };
    if (error !== undefined) metadata.error = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name;
    const call = {
      path: pathText(path),
      durationMs: performance.now() - startedAt,
      up: amounts.up ?? 0,
      down: amounts.down ?? 0,
      storage: amounts.stored ? [{ bytes: amounts.stored }] : [],
      success: error === undefined,
      metadata,
    };
    safely(() => recordCall(options.tracker ?? getDefaultRecorder(), backend, type, call, onError), onError);
  };

  const isPath = (p: unknown): p is PathLike => typeof p === 'string' || p instanceof URL || Buffer.isBuffer(p);

  /** Runs a call that changes what is stored at `path`, measuring the size before and after. */
  async function changing<T>(
    op: string,
    path: unknown,
    run: () => Promise<T>,
    moved: (before: number, after: number) => { up?: number; down?: number },
  ): Promise<T> {
    if (!isPath(path)) return run();
    const startedAt = performance.now();
    const before = await storedBytes(path);
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const after = await storedBytes(path).catch(() => before);
      record(op, path, startedAt, { stored: after - before }, error);
      throw error;
    }
    const after = await storedBytes(path).catch(() => before);
    record(op, path, startedAt, { ...moved(before, after), stored: after - before });
    return result;
  }

  const writeFile = ((path: any, data: any, opts?: any) => {
    const flag = typeof opts === 'object' && opts !== null ? String(opts.flag ?? 'w') : 'w';
    return changing(
      'writeFile',
      path,
      () => fsp.writeFile(path, data, opts),
      (before, after) => {
        const written = typeof data === 'string' ? Buffer.byteLength(data, encodingOf(opts)) : undefined;
        const size = ArrayBuffer.isView(data) ? data.byteLength : undefined;
        return { up: written ?? size ?? (flag.includes('a') ? after - before : after) };
      },
    );
  }) as typeof fsp.writeFile;

  const appendFile = ((path: any, data: any, opts?: any) =>
    changing(
      'appendFile',
      path,
      () => fsp.appendFile(path, data, opts),
      (before, after) => ({ up: after - before }),
    )) as typeof fsp.appendFile;

  const readFile = (async (path: any, opts?: any) => {
    if (!isPath(path)) return fsp.readFile(path, opts);
    const startedAt = performance.now();
    let data: string | Buffer;
    try {
      data = await fsp.readFile(path, opts);
    } catch (error) {
      record('readFile', path, startedAt, {}, error);
      throw error;
    }
    const down = typeof data === 'string' ? Buffer.byteLength(data, encodingOf(opts)) : data.byteLength;
    record('readFile', path, startedAt, { down });
    return data;
  }) as typeof fsp.readFile;

  const rm = ((path: any, opts?: any) =>
    changing(
      'rm',
      path,
      () => fsp.rm(path, opts),
      () => ({}),
    )) as typeof fsp.rm;
  const unlink = ((path: any) =>
    changing(
      'unlink',
      path,
      () => fsp.unlink(path),
      () => ({}),
    )) as typeof fsp.unlink;

  const readStream = ((path: any, opts?: any): ReadStream => {
    const stream = createReadStream(path, opts);
    if (!isPath(path)) return stream;
    const startedAt = performance.now();
    let failure: unknown;
    stream.once('error', (error) => {
      failure = error;
    });
    // `close` follows both `end` and `error`; bytesRead counts what was read, consumed or not.
    stream.once('close', () => record('createReadStream', path, startedAt, { down: stream.bytesRead }, failure));
    return stream;
  }) as typeof createReadStream;

  const writeStream = ((path: any, opts?: any): WriteStream => {
    const before = isPath(path) ? storedBytesSync(path) : 0;
    const stream = createWriteStream(path, opts);
    if (!isPath(path)) return stream;
    const startedAt = performance.now();
    let failure: unknown;
    stream.once('error', (error) => {
      failure = error;
    });
    // Synchronous, so whoever awaits 'close' finds the write recorded.
    stream.once('close', () => {
      const after = storedBytesSync(path);
      record('createWriteStream', path, startedAt, { up: stream.bytesWritten, stored: after - before }, failure);
    });
    return stream;
  }) as typeof createWriteStream;

  return {
    writeFile,
    appendFile,
    readFile,
    rm,
    unlink,
    createReadStream: readStream,
    createWriteStream: writeStream,
  };
}
