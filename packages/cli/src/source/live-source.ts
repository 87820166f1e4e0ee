import { setTimeout as sleep } from 'node:timers/promises';
import { mbpsOf } from '@bytemeter/core';
import type { Target } from '../args.js';
import { databaseOptions } from './open-target.js';

/** One second (or --interval) of traffic, as the API's liveBandwidth subscription sends it. */
export interface LiveSample {
  timestamp: string;
  backend: string | null;
  uploadBytes: number;
  downloadBytes: number;
  uploadMbps: number;
  downloadMbps: number;
  totalMbps: number;
}

/**
 * Samples of the bytes moved each interval: through --endpoint the API's liveBandwidth subscription;
 * locally the tracker's bandwidth feed (the same database reads the API's subscription makes), so writes of
 * any process show. Ends when `signal` aborts.
 */
export async function* liveSamples(
  target: Target,
  q: { backend?: string; intervalMs: number },
  signal: AbortSignal,
): AsyncGenerator<LiveSample> {
  if (target.endpoint) {
    const { createBytemeterClient } = await import('@bytemeter/client');
    const client = createBytemeterClient({ url: target.endpoint, ...(target.token ? { token: target.token } : {}) });
    const feed = client.subscribeLiveBandwidth({ backend: q.backend ?? null, intervalMs: q.intervalMs });
    const stop = () => void feed.return();
    signal.addEventListener('abort', stop);
    try {
      for await (const s of feed) yield { ...s, backend: s.backend ?? null };
    } finally {
      signal.removeEventListener('abort', stop);
      await client.close();
    }
    return;
  }
  const { openResourceTracker } = await import('@bytemeter/tracker');
  const tracker = openResourceTracker({ ...(await databaseOptions(target.db)), flushOnExit: false });
  try {
    await tracker.ready;
    const only = q.backend !== undefined ? { backend: q.backend } : {};
    let cursor = (await tracker.getBandwidthFeed(only)).cursor;
    let last = performance.now();
    while (!signal.aborted) {
      await sleep(q.intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      const d = await tracker.getBandwidthFeed({ after: cursor, ...only });
      const now = performance.now();
      const elapsed = now - last;
      last = now;
      cursor = d.cursor;
      const uploadMbps = mbpsOf(d.uploadBytes, elapsed);
      const downloadMbps = mbpsOf(d.downloadBytes, elapsed);
      yield {
        timestamp: new Date().toISOString(),
        backend: q.backend ?? null,
        uploadBytes: d.uploadBytes,
        downloadBytes: d.downloadBytes,
        uploadMbps,
        downloadMbps,
        totalMbps: uploadMbps + downloadMbps,
      };
    }
  } finally {
    await tracker.close();
  }
}
