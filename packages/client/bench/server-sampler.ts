// The replicas bench's sampler of the database, in a process of its own (bench/replicas.ts starts it with
// `fork`): its queries and its reads of /proc cost CPU, which in the bench's process would be counted as
// the SDK senders'. A worker thread would not do: process.cpuUsage counts every thread of the process.
// Protocol over the IPC channel: it sends 'ready' once connected, samples until it receives 'stop', then
// sends its ServerSample and exits.
import pg from 'pg';
import { processCpuMs } from './proc-cpu.js';

/** What the database's sessions did during a run: waits as shares of samples, and their CPU in ms. */
export interface ServerSample {
  waits: Record<string, number>;
  cpuMs: number;
}

const SAMPLE_EVERY_MS = 20;

/**
 * Samples pg_stat_activity of the database every 20 ms until `stopped()`: what each session inside a
 * transaction waits for (`CPU` when a statement runs and waits for nothing; `idle in transaction` when
 * the server waits for the client's next statement), to see whether the run is bound by row locks, WAL
 * flushes, the server's CPU or the round trips to the client; and the CPU its server processes used
 * (from /proc: the server runs on this machine), from when each was first seen (or started) to the last.
 */
async function sample(databaseUrl: string, ready: () => void, stopped: () => boolean): Promise<ServerSample> {
  const counts = new Map<string, number>();
  const cpu = new Map<number, { first: number; last: number }>();
  const since = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  ready();
  try {
    while (!stopped()) {
      const { rows } = await client.query<{ pid: number; started: string; wait: string | null }>(
        `select pid, (extract(epoch from backend_start) * 1000)::bigint::text as started,
                case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'CPU')
                     when state = 'idle in transaction' then 'idle in transaction' end as wait
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      for (const { pid, started, wait } of rows) {
        if (wait) counts.set(wait, (counts.get(wait) ?? 0) + 1);
        try {
          const now = processCpuMs(pid);
          const seen = cpu.get(pid);
          if (seen) seen.last = now;
          else cpu.set(pid, { first: Number(started) >= since ? 0 : now, last: now });
        } catch {
          // Exited between the query and the read: its last reading stands.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  } finally {
    await client.end();
  }
  const all = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    waits: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / Math.max(1, all)])),
    cpuMs: [...cpu.values()].reduce((n, c) => n + c.last - c.first, 0),
  };
}

// Run as the child: the database URL is the one argument.
if (process.send) {
  const send = process.send.bind(process);
  let stop = false;
  process.on('message', (message) => {
    if (message === 'stop') stop = true;
  });
  const result = await sample(
    process.argv[2]!,
    () => send('ready'),
    () => stop,
  );
  send(result, () => process.disconnect());
}
