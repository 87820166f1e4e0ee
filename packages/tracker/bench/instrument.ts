// Instrumentation overhead: wrapper cost per call beside the bare call, and adapter cost on real I/O
// (a 5 MiB S3 put against s3rver, a streamed HTTP download) beside the un-instrumented client, same run.
// `runInstrumentBench()` returns a markdown section for BENCHMARKS.md; `tsx bench/instrument.ts` prints it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { instrumentFetch } from '../src/adapters/fetch.js';
import { instrumentS3Client } from '../src/adapters/s3.js';
import { openResourceTracker, type ResourceTracker, trackApi, trackUpload } from '../src/index.js';
import { fmt, median, nowMs, percentile } from './stats.js';

const MiB = 1024 * 1024;
/** Results the JIT cannot prove unused, so bare loops are not optimised away. */
const sink = { n: 0 };

interface Row {
  what: string;
  bare: number;
  instrumented: number;
  /** Per-run differences (instrumented - bare), paired, so slow moments of a shared machine cancel out. */
  diffs?: number[];
}

const paired = (a: readonly number[], b: readonly number[]) => b.map((x, i) => x - a[i]!);

async function flush(tracker: ResourceTracker) {
  const result = await tracker.flush();
  if (result.error) throw result.error;
}

/** ns per call of each variant, over `calls` calls a run and `runs` interleaved runs (median; 2 warm-up runs). */
async function wrapperOverhead(tracker: ResourceTracker, calls: number, runs: number): Promise<Row[]> {
  const body = new Uint8Array(4096);
  const put = (key: string, data: Uint8Array) => key.length + data.byteLength;
  const putAsync = async (key: string, data: Uint8Array) => key.length + data.byteLength;
  const list = () => 3;
  const opts = { tracker };
  const variants = {
    sync: { bare: put, wrapped: trackUpload('bench-wrap', 's3', opts)(put) },
    async: { bare: putAsync, wrapped: trackUpload('bench-wrap', 's3', opts)(putAsync) },
    api: { bare: list, wrapped: trackApi('bench-wrap', 's3', opts)(list) },
    // The recording call a wrapper makes, written by hand: what is left of the overhead is the wrapper's own.
    manual: {
      bare: put,
      wrapped: (key: string, data: Uint8Array) => {
        const t = performance.now();
        const out = put(key, data);
        tracker.trackBandwidthUpload('bench-wrap', 's3', data.byteLength, { durationMs: performance.now() - t });
        return out;
      },
    },
  };
  const samples: Record<string, { bare: number[]; wrapped: number[] }> = {};
  for (const name of Object.keys(variants)) samples[name] = { bare: [], wrapped: [] };
  for (let run = 0; run < runs + 2; run++) {
    for (const [name, v] of Object.entries(variants)) {
      for (const kind of ['bare', 'wrapped'] as const) {
        const fn = v[kind] as (key: string, data: Uint8Array) => unknown;
        const t = nowMs();
        if (name === 'async') {
          for (let i = 0; i < calls; i++) sink.n += (await (fn('k', body) as Promise<number>)) & 1;
        } else {
          for (let i = 0; i < calls; i++) sink.n += (fn('k', body) as number) & 1;
        }
        const ns = ((nowMs() - t) * 1e6) / calls;
        if (run >= 2) samples[name]![kind].push(ns);
        await flush(tracker); // outside the timed loop
      }
    }
  }
  const label: Record<string, string> = {
    sync: '`trackUpload` on a sync function (4 KiB argument)',
    async: '`trackUpload` on an async function (awaited)',
    api: '`trackApi` on a sync function',
    manual: 'for comparison: the same recording written by hand (two clock reads, one `trackBandwidthUpload`)',
  };
  return Object.entries(samples).map(([name, s]) => ({
    what: label[name]!,
    bare: median(s.bare),
    instrumented: median(s.wrapped),
  }));
}

/** ms per S3 PutObject of `size` bytes, plain and instrumented clients alternating, against s3rver. */
async function s3Overhead(tracker: ResourceTracker, size: number, runs: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-bench-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    configureBuckets: [{ name: 'bench', configs: [] }],
  });
  const { port } = (await server.run()) as unknown as { port: number };
  const make = () =>
    new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  const plain = make();
  const instrumented = instrumentS3Client(make(), { backend: 'bench-s3', tracker });
  const body = new Uint8Array(size).map((_, i) => i & 255);
  const times = { plain: [] as number[], instrumented: [] as number[] };
  try {
    for (let run = 0; run < runs + 2; run++) {
      for (const [name, client] of [
        ['plain', plain],
        ['instrumented', instrumented],
      ] as const) {
        const t = nowMs();
        await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `${name}-${run}`, Body: body }));
        if (run >= 2) times[name].push(nowMs() - t);
        await flush(tracker);
      }
    }
  } finally {
    plain.destroy();
    instrumented.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    what: `S3 PutObject, ${size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`} (s3rver on 127.0.0.1)`,
    bare: median(times.plain),
    instrumented: median(times.instrumented),
    diffs: paired(times.plain, times.instrumented),
  };
}

/** ms to fetch and read a streamed `size`-byte body from a local node:http server, bare and instrumented. */
async function fetchOverhead(tracker: ResourceTracker, size: number, runs: number): Promise<Row> {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const server = createServer((_req, res) => {
    let left = size / chunk.length;
    const more = () => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ipfs/x`;
  const tracked = instrumentFetch({ tracker, rules: [{ match: '127.0.0.1', backend: 'bench-http', type: 'ipfs' }] });
  const times = { bare: [] as number[], tracked: [] as number[] };
  const read = async (f: typeof fetch) => {
    const res = await f(url);
    let n = 0;
    for await (const part of res.body!) n += (part as Uint8Array).byteLength;
    if (n !== size) throw new Error(`read ${n} of ${size} bytes`);
  };
  try {
    for (let run = 0; run < runs + 2; run++) {
      for (const [name, f] of [
        ['bare', fetch],
        ['tracked', tracked],
      ] as const) {
        const t = nowMs();
        await read(f);
        if (run >= 2) times[name].push(nowMs() - t);
        await flush(tracker);
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return {
    what: `fetch, ${size / MiB} MiB streamed response read to the end (node:http on 127.0.0.1)`,
    bare: median(times.bare),
    instrumented: median(times.tracked),
    diffs: paired(times.bare, times.tracked),
  };
}

/** Median paired difference in ms and as a share of the plain median, with the middle half of the pairs. */
function overhead(r: Row): string {
  const d = r.diffs ?? [r.instrumented - r.bare];
  const share = (x: number) => `${((x / r.bare) * 100).toFixed(1)} %`;
  return `${fmt(median(d))} ms (${share(median(d))}; middle half ${share(percentile(d, 25))} to ${share(percentile(d, 75))})`;
}

/**
 * Measures instrumentation overhead and returns it as a markdown section.
 * @example console.log(await runInstrumentBench({ quick: true }))
 */
export async function runInstrumentBench(options: { quick?: boolean } = {}): Promise<string> {
  const quick = options.quick ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-bench-instrument-'));
  const tracker = openResourceTracker({ path: join(dir, 'bench.db'), flushOnExit: false });
  try {
    await tracker.ready;
    const calls = quick ? 20_000 : 100_000;
    const runs = quick ? 5 : 15;
    const wrappers = await wrapperOverhead(tracker, calls, runs);
    const s3 = [await s3Overhead(tracker, 5 * MiB, quick ? 5 : 15), await s3Overhead(tracker, 1024, quick ? 10 : 40)];
    const http = await fetchOverhead(tracker, (quick ? 16 : 64) * MiB, quick ? 3 : 9);
    const lines = [
      '## Instrumentation overhead',
      '',
      `Wrappers: ns per call, median of ${runs} interleaved runs of ${calls.toLocaleString('en-US')} calls, each`,
      'call recording one event into a real tracker (written between runs, never on the caller’s stack).',
      '',
      '| call | bare ns | wrapped ns | overhead ns |',
      '|---|---:|---:|---:|',
      ...wrappers.map(
        (r) => `| ${r.what} | ${fmt(r.bare)} | ${fmt(r.instrumented)} | ${fmt(r.instrumented - r.bare)} |`,
      ),
      '',
      'Adapters: ms per operation, median, plain and instrumented clients alternating in the same run.',
      '',
      '| operation | plain ms | instrumented ms | overhead (paired median) |',
      '|---|---:|---:|---:|',
      ...[...s3, http].map((r) => `| ${r.what} | ${fmt(r.bare)} | ${fmt(r.instrumented)} | ${overhead(r)} |`),
      '',
      'The S3 adapter adds no request to a put or get (only DeleteObject(s), CopyObject and',
      'CompleteMultipartUpload add a HeadObject, which is counted). Client and server share this machine’s',
      `cores (load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} at the end of the run): a middle half`,
      'that spans zero means the overhead is below what this run can resolve.',
      '',
    ];
    return lines.join('\n');
  } finally {
    await tracker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(await runInstrumentBench({ quick: process.argv.includes('--quick') }));
}
