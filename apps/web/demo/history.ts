// Weeks of made-up but plausible history: office-hours peaks, quiet weekends, growing storage, a bad day.
import type { ResourceTracker } from '@bytemeter/tracker';

type DemoType = 's3' | 'local' | 'ipfs' | 'huggingface';

interface Profile {
  name: string;
  type: DemoType;
  /** Operations in a peak hour. */
  peakOps: number;
  /** Typical object size in bytes. */
  objectBytes: number;
  /** Share of operations that upload (the rest download). */
  uploadShare: number;
  /** Dollars per GiB moved (egress-like), charged per operation. */
  dollarsPerGiB: number;
  /** Share of operations that fail. */
  failureRate: number;
}

export const DEMO_BACKENDS: Profile[] = [
  {
    name: 'media-s3',
    type: 's3',
    peakOps: 90,
    objectBytes: 2_400_000,
    uploadShare: 0.35,
    dollarsPerGiB: 0.09,
    failureRate: 0.004,
  },
  {
    name: 'scratch-disk',
    type: 'local',
    peakOps: 140,
    objectBytes: 350_000,
    uploadShare: 0.5,
    dollarsPerGiB: 0,
    failureRate: 0.001,
  },
  {
    name: 'ipfs-pins',
    type: 'ipfs',
    peakOps: 25,
    objectBytes: 900_000,
    uploadShare: 0.6,
    dollarsPerGiB: 0.15,
    failureRate: 0.03,
  },
  {
    name: 'hf-models',
    type: 'huggingface',
    peakOps: 6,
    objectBytes: 180_000_000,
    uploadShare: 0.1,
    dollarsPerGiB: 0,
    failureRate: 0.01,
  },
];

/** A small seeded generator, so every demo run tells the same story. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Load factor by UTC hour and weekday: a working-day curve, weekends at a third. */
function load(at: Date): number {
  const hour = at.getUTCHours();
  const day = at.getUTCDay();
  const daily = 0.15 + 0.85 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
  return daily * (day === 0 || day === 6 ? 0.35 : 1);
}

/**
 * Records `days` of hourly traffic for the demo backends, ending `endMs`, and returns the number of events.
 * @example await recordHistory(tracker, 21, Date.now() - 60_000)
 */
export async function recordHistory(tracker: ResourceTracker, days: number, endMs: number): Promise<number> {
  const rand = random(20261127);
  const hourMs = 3_600_000;
  const start = Math.floor((endMs - days * 86_400_000) / hourMs) * hourMs;
  const badDay = start + Math.floor(days * 0.6) * 86_400_000; // ipfs-pins has an outage this day
  let events = 0;
  for (let hour = start; hour < endMs; hour += hourMs) {
    for (const b of DEMO_BACKENDS) {
      const ops = Math.round(b.peakOps * load(new Date(hour)) * (0.7 + 0.6 * rand()));
      const outage = b.name === 'ipfs-pins' && hour >= badDay && hour < badDay + 5 * hourMs;
      for (let i = 0; i < ops; i++) {
        const timestamp = Math.min(endMs - 1, hour + Math.floor(rand() * hourMs));
        const success = rand() >= (outage ? 0.45 : b.failureRate);
        const durationMs = Math.round((success ? 40 : 900) * (0.5 + rand() * 1.5));
        const path = `${b.name === 'hf-models' ? 'models' : 'objects'}/${Math.floor(rand() * 1e6).toString(36)}`;
        tracker.trackApiCall(b.name, b.type, { timestamp, success, durationMs, path });
        events++;
        if (!success) continue;
        const bytes = Math.max(1, Math.round(b.objectBytes * (0.2 + rand() * 1.6)));
        if (rand() < b.uploadShare) {
          tracker.trackBandwidthUpload(b.name, b.type, bytes, { timestamp, path });
          tracker.trackStorageUsage(b.name, b.type, bytes, { timestamp, path });
          events += 2;
        } else {
          tracker.trackBandwidthDownload(b.name, b.type, bytes, { timestamp, path });
          events++;
        }
        // Whole micros: cents with four decimals.
        const cents = Math.round((bytes / 2 ** 30) * b.dollarsPerGiB * 100 * 10_000) / 10_000;
        if (cents > 0) {
          tracker.trackCost(b.name, b.type, cents, { timestamp });
          events++;
        }
      }
    }
    // Housekeeping once a day: scratch space is cleaned, so its level saws up and down.
    if (new Date(hour).getUTCHours() === 3) {
      const level = (await tracker.getBackendStatus('scratch-disk'))['scratch-disk']?.currentStorageUsageBytes ?? 0;
      if (level > 0) tracker.trackStorageUsage('scratch-disk', 'local', -Math.floor(level * 0.6), { timestamp: hour });
    }
  }
  await tracker.flush();
  return events;
}
