// Whether `npm start` / `pnpm demo` may skip `pnpm -r build`: when every source file, the lockfile, the Node
// version and the NEXT_PUBLIC_* build settings hash to what they were after the last build that succeeded,
// and every package's build output is still there. Content is hashed (not mtimes), so a checkout, an editor
// that touches files, or a copied tree cannot fool it; anything unusual means "build".
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Folders that hold outputs, caches, dependencies or test leftovers, never sources. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.next', '.git', 'coverage', '.bench', 'test-results', 'artifacts']);
const SKIP_FILES = /(\.tsbuildinfo|\.db|\.db-wal|\.db-shm|\.log)$|^\.git$|^next-env\.d\.ts$/;

/** Where the fingerprint of the last good build is kept: inside node_modules, so a fresh install forgets it. */
export const stampPath = (root) => join(root, 'node_modules', '.cache', 'bytemeter', 'build-stamp.json');

/**
 * SHA-256 over the workspace's sources (paths and contents, in a stable order), the Node version and the
 * NEXT_PUBLIC_* variables, which Next.js bakes into the bundle at build time.
 * @example sourceFingerprint('/repo') // '3f9c…'
 */
export function sourceFingerprint(root, env = process.env) {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\n`);
  for (const key of Object.keys(env)
    .filter((k) => k.startsWith('NEXT_PUBLIC_'))
    .sort()) {
    hash.update(`${key}=${env[key]}\n`);
  }
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path);
      } else if (entry.isFile() && !SKIP_FILES.test(entry.name)) {
        hash.update(`${relative(root, path).split(sep).join('/')}\0`);
        hash.update(readFileSync(path));
        hash.update('\0');
      }
    }
  };
  walk(root);
  return hash.digest('hex');
}

/** Each workspace package's build output: `.next/BUILD_ID` for `next build`, `dist/` for the others. */
export function buildOutputs(root) {
  const outputs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const manifest = join(base, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const build = JSON.parse(readFileSync(manifest, 'utf8')).scripts?.build;
      if (typeof build !== 'string') continue;
      outputs.push(join(base, name, /\bnext build\b/.test(build) ? join('.next', 'BUILD_ID') : 'dist'));
    }
  }
  return outputs;
}

/**
 * Whether the last good build still stands: same fingerprint, every output present.
 * @example if (!isBuildFresh(root, fp)) build()
 */
export function isBuildFresh(root, fingerprint) {
  let stored;
  try {
    stored = JSON.parse(readFileSync(stampPath(root), 'utf8')).fingerprint;
  } catch {
    return false;
  }
  return stored === fingerprint && buildOutputs(root).every((p) => existsSync(p));
}

/** Records a build that succeeded from sources with this fingerprint. */
export function recordBuild(root, fingerprint) {
  const path = stampPath(root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() })}\n`);
}

/** Forgets the last build, so the next start builds (before a build that may fail halfway). */
export function forgetBuild(root) {
  rmSync(stampPath(root), { force: true });
}
