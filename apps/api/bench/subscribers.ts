import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ServerProcess } from './server-process.js';

export interface SubscriberCost {
  subscribers: number;
  /** Subscribers that received samples (all of them, unless the machine could not connect them in a minute). */
  live: number;
  /** Server CPU time per second of wall time, in ms (1000 = one core busy). */
  cpuMsPerSecond: number;
  /** Server resident memory with the subscribers connected. */
  rssMiB: number;
  /** Samples the clients received per second, all together. */
  samplesPerSecond: number;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects `count` graphql-ws clients (one socket each) subscribed to liveBandwidth at 1 s, then measures
 * the server process's CPU and memory over `seconds`.
 */
export async function measureSubscribers(
  server: ServerProcess,
  count: number,
  seconds: number,
): Promise<SubscriberCost> {
  const clients = Array.from({ length: count }, () =>
    createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 }),
  );
  let samples = 0;
  let started = 0;
  let live = 0;
  const unsubscribes = clients.map((client) => {
    let first = true;
    return client.subscribe(
      { query: 'subscription { liveBandwidth(intervalMs: 1000) { timestamp totalMbps uploadBytes } }' },
      {
        next: () => {
          if (first) {
            first = false;
            live++;
          }
          if (started) samples++;
        },
        error: (error) => process.stderr.write(`subscriber error: ${JSON.stringify(error)}\n`),
        complete: () => {},
      },
    );
  });
  // Measure only once every subscriber has had its first sample (connecting 1,000 sockets takes a while).
  const deadline = performance.now() + 60_000;
  while (live < count && performance.now() < deadline) await settle(100);
  await settle(1000);
  const cpu0 = server.cpuMs();
  started = performance.now();
  await settle(seconds * 1000);
  const elapsed = performance.now() - started;
  const cpu1 = server.cpuMs();
  const rss = server.rssBytes();
  const received = samples;
  for (const stop of unsubscribes) stop();
  await Promise.all(clients.map((c) => c.dispose()));
  await settle(500);
  return {
    subscribers: count,
    live,
    cpuMsPerSecond: ((cpu1 - cpu0) / elapsed) * 1000,
    rssMiB: rss / 2 ** 20,
    samplesPerSecond: (received / elapsed) * 1000,
  };
}
