// Kubo's RPC (`/api/v0/…`, what kubo-rpc-client, Pinata's and Infura's IPFS APIs speak): each RPC named,
// and pins turned into storage changes with the DAG sizes the node itself reports.
import { assertBackendName } from '../event-rules.js';
import type { FetchPreset, PresetCall, PresetContext, PresetOptions, PresetRequest, StorageChange } from './preset.js';
import { sizeOf } from './preset.js';

export interface KuboPresetOptions extends PresetOptions {
  /** The RPC's base URL, e.g. 'http://127.0.0.1:5001'; default: any URL whose path starts with /api/v0/. */
  url?: string;
}

const PREFIX = '/api/v0/';

/** What a pin of `cid` holds: the node's `dag/stat` total (offline, so a missing block is never fetched). */
async function dagSize(base: URL, cid: string, ctx: PresetContext): Promise<number> {
  const url = new URL(`${PREFIX}dag/stat`, base);
  url.searchParams.set('arg', cid);
  url.searchParams.set('progress', 'false');
  url.searchParams.set('offline', 'true');
  const values = await ctx.lookup(url, { method: 'POST' });
  const last = values.at(-1) as { TotalSize?: unknown; Size?: unknown; DagStats?: { Size?: unknown }[] } | undefined;
  // Kubo >= 0.24 answers { TotalSize, DagStats: [{ Size }] }, older ones { Size, NumBlocks }.
  const size = sizeOf(last?.TotalSize) ?? sizeOf(last?.Size) ?? sizeOf(last?.DagStats?.[0]?.Size);
  if (size === undefined) throw new Error(`dag/stat of ${cid} reported no size`);
  return size;
}

const isFalse = (value: string | null) => value === 'false' || value === '0';
const isTrue = (value: string | null) => value === 'true' || value === '1' || value === '';

/** The CID a JSON link or string names: `{ "/": "bafy…" }` or "bafy…". */
function cidOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { '/': unknown })['/'] === 'string') {
    return (value as { '/': string })['/'];
  }
  return undefined;
}

/** Storage an `add` pinned: its top entries' cumulative sizes (the wrapping directory alone when there is one). */
function addedRoots(json: readonly unknown[]): StorageChange[] {
  const entries = json.filter(
    (v): v is { Name: string; Hash: string; Size: unknown } =>
      !!v && typeof v === 'object' && typeof (v as { Hash?: unknown }).Hash === 'string',
  );
  const wrapper = entries.filter((e) => e.Name === '');
  const roots = wrapper.length > 0 ? wrapper.slice(-1) : entries.filter((e) => !e.Name.includes('/'));
  return roots.map((e) => ({ bytes: sizeOf(e.Size) ?? 0, path: e.Hash }));
}

/**
 * The Kubo RPC preset: one API call per RPC named by its route (`add`, `cat`, `get`, `pin/add`, `pin/rm`,
 * `block/put`, `dag/put`, …), bodies counted as they stream, the first `arg` (CID or path) as the path,
 * and storage changes from the node's own sizes — `add` (pinned unless `pin=false`) adds each root's
 * reported size; `pin/add`, `dag/put?pin=true` and `dag/import` (its pinned roots) add the `dag/stat` size of what was pinned;
 * `pin/rm` removes the sizes `dag/stat` reported just before; `pin/update` changes by the difference;
 * `block/put?pin=true` adds the block's size. The `dag/stat` calls are real requests, recorded with
 * `purpose: 'size'`. A CID pinned twice counts twice, and blocks shared by two pins count for each.
 * @example instrumentFetch({ presets: [kubo({ url: 'http://127.0.0.1:5001', backend: 'kubo-eu' })] })
 */
export function kubo(options: KuboPresetOptions = {}): FetchPreset {
  const backend = options.backend ?? 'kubo';
  assertBackendName(backend);
  const root = options.url ? new URL(options.url) : null;
  return {
    name: 'kubo',
    backend,
    type: 'ipfs',
    matches(url) {
      if (!url.pathname.startsWith(PREFIX)) return false;
      return (
        root === null || (url.origin === root.origin && url.pathname.startsWith(root.pathname.replace(/\/?$/, '/')))
      );
    },
    describe(request) {
      return describeRpc(request);
    },
  };
}

function describeRpc({ url }: PresetRequest): PresetCall {
  const operation = url.pathname.slice(url.pathname.indexOf(PREFIX) + PREFIX.length).replace(/\/$/, '');
  const args = url.searchParams.getAll('arg');
  const q = (name: string) => url.searchParams.get(name);
  const call: PresetCall = { operation, path: args[0] };
  switch (operation) {
    case 'add':
      if (isFalse(q('pin')) || isTrue(q('only-hash'))) return call;
      return { ...call, readJson: true, settle: addedRoots };
    case 'pin/add':
      return {
        ...call,
        readJson: true,
        async settle(json, ctx) {
          // The CIDs pinned, as the node resolved them: `{ Pins: [...] }` (progress lines come before it).
          const pins = json.flatMap((v) => ((v as { Pins?: unknown })?.Pins as unknown[] | undefined) ?? []);
          const cids = pins.map(cidOf).filter((c): c is string => c !== undefined);
          const out: StorageChange[] = [];
          for (const cid of cids) out.push({ bytes: await dagSize(url, cid, ctx), path: cid });
          return out;
        },
      };
    case 'pin/rm': {
      // Sizes are looked up before: after the unpin a garbage collection may already have removed the blocks.
      const sizes: StorageChange[] = [];
      return {
        ...call,
        async prepare(ctx) {
          for (const arg of args) sizes.push({ bytes: -(await dagSize(url, arg, ctx)), path: arg });
        },
        settle: () => sizes,
      };
    }
    case 'pin/update': {
      const [from, to] = args;
      let before = 0;
      return {
        ...call,
        path: to,
        async prepare(ctx) {
          if (from && !isFalse(q('unpin'))) before = await dagSize(url, from, ctx);
        },
        async settle(_json, ctx) {
          if (!to) return [];
          const after = await dagSize(url, to, ctx);
          return [{ bytes: after - before, path: to }];
        },
      };
    }
    case 'block/put':
      if (!isTrue(q('pin'))) return call;
      return {
        ...call,
        readJson: true,
        settle: (json) =>
          json.map((v) => {
            const block = v as { Key?: unknown; Size?: unknown };
            return { bytes: sizeOf(block.Size) ?? 0, path: cidOf(block.Key) };
          }),
      };
    case 'dag/put':
      if (!isTrue(q('pin'))) return call;
      return {
        ...call,
        readJson: true,
        async settle(json, ctx) {
          const out: StorageChange[] = [];
          for (const v of json) {
            const cid = cidOf((v as { Cid?: unknown })?.Cid);
            if (cid) out.push({ bytes: await dagSize(url, cid, ctx), path: cid });
          }
          return out;
        },
      };
    case 'dag/import':
      if (isFalse(q('pin-roots'))) return call;
      return {
        ...call,
        readJson: true,
        async settle(json, ctx) {
          const out: StorageChange[] = [];
          for (const v of json) {
            const root = (v as { Root?: { Cid?: unknown; PinErrorMsg?: string } })?.Root;
            const cid = cidOf(root?.Cid);
            if (cid && !root?.PinErrorMsg) out.push({ bytes: await dagSize(url, cid, ctx), path: cid });
          }
          return out;
        },
      };
    default:
      return call;
  }
}
