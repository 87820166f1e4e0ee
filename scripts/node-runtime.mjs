// Node 24 for machines whose system Node is older. The npm registry ships the real Node binary and its
// headers as `node-<platform>-<arch>` packages (what `npx -p node@24` installs); one `npm pack` into a
// per-user cache is all it takes, and later runs reuse the cache without touching the network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Oldest Node the workspace supports (kysely 0.29, better-sqlite3 13, pnpm 11 and vitest 5 need 22). */
export const MIN_NODE_MAJOR = 22;
/** The Node line fetched when the running one is older: the current LTS. */
export const TARGET_NODE_MAJOR = 24;

const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bytemeter');
const platform = `${process.platform}-${process.arch}`;

export function nodeMajor(version = process.versions.node) {
  return Number(version.split('.')[0]);
}

/** A cached Node 24 install (newest first), or undefined. */
function cachedRuntime() {
  if (!existsSync(cacheRoot)) return undefined;
  const prefix = `node-v${TARGET_NODE_MAJOR}.`;
  const dirs = readdirSync(cacheRoot)
    .filter((name) => name.startsWith(prefix) && name.endsWith(`-${platform}`))
    .filter((name) => existsSync(join(cacheRoot, name, 'bin', 'node')))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  return dirs[0] ? join(cacheRoot, dirs[0]) : undefined;
}

/** Downloads `node-<platform>-<arch>@24` with npm into the cache and returns its directory. */
function fetchRuntime() {
  const pkg = `node-${platform}@${TARGET_NODE_MAJOR}`;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'bytemeter-node-'));
  try {
    console.error(
      `▶ Node ${process.versions.node} is older than ${MIN_NODE_MAJOR}: fetching ${pkg} from the npm registry (once, ~50 MB)`,
    );
    const pack = spawnSync('npm', ['pack', pkg, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = pack.stdout?.trim().split('\n').pop();
    if (pack.status !== 0 || !tarball) throw new Error(`npm pack ${pkg} failed (exit ${pack.status})`);
    const version = tarball.match(/-(\d+\.\d+\.\d+)\.tgz$/)?.[1];
    if (!version) throw new Error(`unexpected tarball name ${tarball}`);
    const untar = spawnSync('tar', ['xzf', join(work, tarball), '-C', work], { stdio: 'inherit' });
    if (untar.status !== 0) throw new Error(`tar failed unpacking ${tarball}`);
    const target = join(cacheRoot, `node-v${version}-${platform}`);
    // Rename is atomic: a concurrent or interrupted run never sees half an install.
    if (!existsSync(target)) renameSync(join(work, 'package'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The directory of a Node 24 install (bin/node, include/node), fetching it on first use. */
export function ensureRuntime() {
  return cachedRuntime() ?? fetchRuntime();
}
