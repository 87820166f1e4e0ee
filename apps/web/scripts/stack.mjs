// Starts the built API and dashboard as child processes and waits until both answer. Used by `npm start`,
// `pnpm demo` and the e2e suite, so all three run the same thing a user runs.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiMain = join(webDir, '../api/dist/main.js');
const nextBin = join(webDir, 'node_modules/next/dist/bin/next');

/**
 * `count` distinct TCP ports that were free a moment ago on 127.0.0.1 (held open together while asking,
 * so two calls in a row cannot hand out the same port).
 * @example const [apiPort, webPort] = await freePorts(2)
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => /** @type {import('node:net').AddressInfo} */ (server.address()).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Keeps the last few KiB a quiet child printed, to explain why it died.
 * @param {import('node:child_process').ChildProcess} child
 */
function tailOf(child) {
  let tail = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

/**
 * Polls `url` until it answers 200 (Next answers 500 for a moment after "Ready" while it loads its config),
 * the child exits, or `timeoutMs` passes.
 * @param {string} url @param {import('node:child_process').ChildProcess} child @param {string} name @param {number} timeoutMs
 */
async function waitUntilServing(url, child, name, timeoutMs) {
  const output = tailOf(child);
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = code ?? signal;
  });
  for (;;) {
    if (exited !== null) throw new Error(`${name} exited (${exited}) before serving ${url}\n${output()}`);
    const status = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} did not answer 200 on ${url} within ${timeoutMs} ms (last: ${status})\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** @param {import('node:child_process').ChildProcess} child */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Throws a clear error when `port` on `host` is taken: a child that cannot bind would otherwise leave the
 * readiness probe talking to whatever else listens there.
 * @param {string} host @param {number} port @param {string} what
 */
async function assertPortFree(host, port, what) {
  await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use, so ${what} cannot start there. Stop the program using it, or choose another port.`
            : `Cannot listen on ${host}:${port} for ${what}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(resolve));
  });
}

/**
 * Starts the API (apps/api/dist) on `dbPath` and the dashboard (`next start`, after `next build`) in front of it.
 * Both ports are checked first (a taken port is an error, never another process's dashboard). While it
 * runs, an API that dies is restarted after apiRestartDelayMs, doubling up to 30 s while it keeps dying;
 * `exited` settles with a reason if the dashboard dies.
 * @example const stack = await startStack({ dbPath: '/tmp/x.db' }); console.log(stack.webUrl); await stack.stop();
 * @param {{ dbPath?: string, apiPort?: number, webPort?: number, host?: string, env?: NodeJS.ProcessEnv, stdio?: 'inherit' | 'ignore' | 'pipe' | number, apiRestartDelayMs?: number, log?: (line: string) => void }} options
 * @returns {Promise<import('./stack.d.mts').RunningStack>}
 */
export async function startStack(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const [freeA, freeB] = await freePorts(2);
  const apiPort = options.apiPort ?? /** @type {number} */ (freeA);
  const webPort =
    options.webPort ?? (freeB === apiPort ? /** @type {number} */ (freeA) : /** @type {number} */ (freeB));
  await assertPortFree(host, apiPort, 'the API (BYTEMETER_API_PORT)');
  await assertPortFree(host, webPort, 'the dashboard (BYTEMETER_WEB_PORT)');
  const baseEnv = { ...process.env, ...options.env, NEXT_TELEMETRY_DISABLED: '1' };
  if (options.dbPath) baseEnv.BYTEMETER_DB = options.dbPath;
  const apiUrl = `http://${host}:${apiPort}`;
  const webUrl = `http://${host}:${webPort}`;
  const log = options.log ?? ((line) => console.error(line));
  // 'ignore' still pipes, so a child that dies can say why.
  const stdio = options.stdio === 'ignore' ? 'pipe' : (options.stdio ?? 'inherit');
  const spawnApi = () =>
    spawn(process.execPath, [apiMain], {
      env: { ...baseEnv, BYTEMETER_API_HOST: host, BYTEMETER_API_PORT: String(apiPort) },
      stdio: ['ignore', stdio, stdio],
    });
  /** @type {{ api: import('node:child_process').ChildProcess, web: import('node:child_process').ChildProcess | null }} */
  const children = { api: spawnApi(), web: null };
  let stopping = false;
  /** @type {NodeJS.Timeout | undefined} */
  let restartTimer;
  const stop = async () => {
    stopping = true;
    clearTimeout(restartTimer);
    await Promise.all([children.api, children.web].filter((c) => c !== null).map(stopChild));
  };
  try {
    await waitUntilServing(`${apiUrl}/healthz`, children.api, 'the API', 30_000);
    const web = spawn(process.execPath, [nextBin, 'start', '-p', String(webPort), '-H', host], {
      cwd: webDir,
      env: { ...baseEnv, BYTEMETER_API_URL: apiUrl, BYTEMETER_WEB_PORT: String(webPort) },
      stdio: ['ignore', stdio, stdio],
    });
    children.web = web;
    await waitUntilServing(`${webUrl}/login`, web, 'the dashboard', 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const firstDelay = options.apiRestartDelayMs ?? 1000;
  let delay = firstDelay;
  const superviseApi = (/** @type {import('node:child_process').ChildProcess} */ api) => {
    const startedAt = Date.now();
    api.once('exit', (code, signal) => {
      if (stopping) return;
      // A run that lasted a while starts the backoff again; one that keeps dying waits longer each time.
      if (Date.now() - startedAt > 30_000) delay = firstDelay;
      log(`✖ The API exited (${code ?? signal}); restarting it in ${Math.round(delay / 100) / 10} s.`);
      restartTimer = setTimeout(() => {
        if (stopping) return;
        children.api = spawnApi();
        superviseApi(children.api);
        waitUntilServing(`${apiUrl}/healthz`, children.api, 'the API', 30_000).then(
          () => log(`✔ The API is back at ${apiUrl}.`),
          () => undefined, // its exit schedules the next attempt
        );
      }, delay);
      delay = Math.min(delay * 2, 30_000);
    });
  };
  superviseApi(children.api);
  const exited = new Promise((resolve) => {
    /** @type {import('node:child_process').ChildProcess} */ (children.web).once('exit', (code, signal) => {
      if (!stopping) resolve(`the dashboard exited (${code ?? signal})`);
    });
  });
  return {
    apiUrl,
    webUrl,
    stop,
    exited,
    killApi: async () => {
      const api = children.api;
      if (api.exitCode !== null || api.signalCode !== null) return;
      await new Promise((resolve) => {
        api.once('exit', resolve);
        api.kill('SIGKILL');
      });
    },
  };
}
