import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/testing/, beside dist/main.js.
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export interface ApiProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dbPath: string;
  /** The PostgreSQL database it serves (BYTEMETER_DATABASE_URL), or null for the SQLite file. */
  databaseUrl: string | null;
  /** The process id, e.g. to `kill -9` it in a test. */
  pid: number;
  /** SIGTERM (a clean shutdown), and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all, as a crashed machine; resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Starts the built API (`node apps/api/dist/main.js`) as its own process on a free port (or `port`) with a
 * fresh SQLite file (or the one given), or on a PostgreSQL database with `databaseUrl` (any number of such
 * processes are replicas of one API), and resolves once it listens. For other packages' tests.
 * `host` defaults to 127.0.0.1; another address (e.g. 0.0.0.0) needs a token in the database first, and
 * `url` then names 127.0.0.1 on the same port, which reaches the wildcard bind.
 * @example const api = await startApiProcess(); try { await fetch(`${api.url}/healthz`) } finally { await api.stop() }
 */
export async function startApiProcess(
  options: { dbPath?: string; databaseUrl?: string | null; host?: string; port?: number } = {},
): Promise<ApiProcess> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: build the API first (pnpm --filter @bytemeter/api build).`);
  const dir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'bm-api-process-'));
  const dbPath = options.dbPath ?? join(dir as string, 'api.db');
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      BYTEMETER_DB: dbPath,
      // Unset unless given: a PostgreSQL URL in the parent's environment must not redirect a file test.
      BYTEMETER_DATABASE_URL: options.databaseUrl ?? '',
      BYTEMETER_API_PORT: String(options.port ?? 0),
      BYTEMETER_API_HOST: options.host ?? '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = (await listeningUrl(child)).replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1');
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    port: Number(new URL(url).port),
    dbPath,
    databaseUrl: options.databaseUrl ?? null,
    pid: child.pid!,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/[^\s/]+)\/graphql/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`The API exited with ${code} before listening:\n${out}${err}`)));
    child.once('error', reject);
  });
}
