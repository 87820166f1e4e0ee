import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  pid: number;
  /** CPU time (user + system) the server process has used, in ms, from /proc. */
  cpuMs(): number;
  /** Resident memory of the server process in bytes, from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100;

export interface ServerProcessOptions {
  /** The `apps/api` directory to run (another checkout's, to compare two builds in one run); this one's by default. */
  apiDir?: string;
  /** Extra Node flags, e.g. `--cpu-prof` (the profile is written when the server exits on stop()). */
  nodeArgs?: readonly string[];
  /** More environment for the server (settings such as BYTEMETER_API_CACHE_SUMMARIES). */
  env?: Readonly<Record<string, string>>;
}

/**
 * Starts the API as its own process (as in production), so its CPU and memory are measured apart from the
 * load generator's.
 */
export function startServerProcess(dbPath: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: options.apiDir ?? apiDir,
    env: {
      ...process.env,
      ...options.env,
      BYTEMETER_DB: dbPath,
      BYTEMETER_API_PORT: '0',
      BYTEMETER_API_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`API process exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/[^/\s]+)\/graphql/.exec(out);
      if (!match) return;
      child.stdout!.removeAllListeners('data');
      const pid = child.pid!;
      resolve({
        url: match[1]!,
        pid,
        cpuMs() {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
        },
        rssBytes() {
          const line = readFileSync(`/proc/${pid}/status`, 'utf8')
            .split('\n')
            .find((l) => l.startsWith('VmRSS:'));
          return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
        },
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
