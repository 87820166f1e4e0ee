import type { BackendType, ResourceType, TrackEvent } from '../src/index.js';
import { uuidV7 } from './uuid-v7.js';

/** Ten backends of every kind, as a busy deployment might have them. */
export const BACKENDS: readonly { name: string; type: BackendType }[] = [
  { name: 's3-main', type: 's3' },
  { name: 's3-archive', type: 's3' },
  { name: 'r2-cdn', type: 's3' },
  { name: 'ipfs-pinning', type: 'ipfs' },
  { name: 'ipfs-gateway', type: 'ipfs' },
  { name: 'hf-datasets', type: 'huggingface' },
  { name: 'storacha', type: 'storacha' },
  { name: 'filecoin-deals', type: 'filecoin' },
  { name: 'lassie-retrieval', type: 'lassie' },
  { name: 'local-disk', type: 'local' },
];

/** Cumulative mix of resource types: downloads dominate, costs are rare. */
const MIX: readonly [number, ResourceType][] = [
  [0.25, 'bandwidth_upload'],
  [0.6, 'bandwidth_download'],
  [0.7, 'storage_used'],
  [0.95, 'api_calls'],
  [1, 'operation_cost'],
];

/** Small, fast, seedable PRNG (mulberry32) so every run builds the same data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  /** Events in the whole stream. */
  count: number;
  /** Time span [from, to) the events are spread evenly over, oldest first. */
  from: number;
  to: number;
  /** Give every event a UUIDv7 idempotency key. */
  keys: boolean;
  seed?: number;
}

/**
 * A deterministic stream of valid events across all backends and resource types, in time order:
 * byte amounts log-uniform up to 16 MiB, 2% failures, storage deltas that never take a level below 0.
 */
export class SyntheticEvents {
  private readonly random: () => number;
  private readonly step: number;
  private readonly levels = new Float64Array(BACKENDS.length);
  private index = 0;

  constructor(private readonly options: SyntheticOptions) {
    this.random = mulberry32(options.seed ?? 42);
    this.step = (options.to - options.from) / options.count;
  }

  get remaining(): number {
    return this.options.count - this.index;
  }

  next(): TrackEvent {
    const r = this.random;
    const i = this.index++;
    const ts = Math.min(this.options.to - 1, Math.floor(this.options.from + (i + r()) * this.step));
    const b = Math.floor(r() * BACKENDS.length);
    const backend = BACKENDS[b]!;
    const pick = r();
    const resourceType = MIX.find(([edge]) => pick < edge)![1];
    let amount: number;
    if (resourceType === 'api_calls') amount = 1;
    else if (resourceType === 'operation_cost') amount = 1 + Math.floor(r() * 5000);
    else amount = Math.floor(2 ** (r() * 24));
    if (resourceType === 'storage_used') {
      // A third of storage events are deletes, never more than is stored.
      if (r() < 0.33 && this.levels[b]! >= amount) amount = -amount;
      this.levels[b] = this.levels[b]! + amount;
    }
    const event: TrackEvent = {
      backend: backend.name,
      backendType: backend.type,
      resourceType,
      amount,
      timestamp: ts,
      success: r() >= 0.02,
    };
    if (this.options.keys) event.id = uuidV7(ts);
    return event;
  }

  /** The next `n` events (fewer at the end of the stream). */
  take(n: number): TrackEvent[] {
    const out: TrackEvent[] = [];
    for (let k = 0; k < n && this.remaining > 0; k++) out.push(this.next());
    return out;
  }
}
