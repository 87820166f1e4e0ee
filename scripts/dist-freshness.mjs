// Whether a package's dist/ was compiled from its current src/, for benchmarks that run built code (another
// checkout's, or `node apps/api/dist/main.js`): a stale dist measures code that is no longer there.
// The workspace build stamp (build-stamp.mjs) cannot answer this: it covers every file, BENCHMARKS.md
// included, which the benchmarks themselves rewrite, and only `node scripts/run.mjs` records it. So this
// compares times: `tsc -p tsconfig.build.json` (not incremental) rewrites every output on each build, so
// each source must be older than the output compiled from it. A touched but unchanged file reads as stale,
// which only asks for a build; a stray output of a deleted source is ignored.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const DECLARATION = /\.d\.(ts|mts|cts)$/;

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Why the package at `packageDir` (src/ compiled to dist/) needs a build, or null when every source file is
 * older than its compiled output and than nothing in package.json or the build tsconfig.
 * @example staleDistReason('/repo/packages/tracker') // 'src/ingest.ts is newer than dist/ingest.js'
 */
export function staleDistReason(packageDir) {
  const src = join(packageDir, 'src');
  const dist = join(packageDir, 'dist');
  if (!existsSync(dist)) return 'dist/ is missing';
  let oldestOutput = Number.POSITIVE_INFINITY;
  let newestSource = { path: '', mtime: 0 };
  for (const path of files(src)) {
    if (!SOURCE.test(path) || DECLARATION.test(path)) continue;
    const output = join(dist, relative(src, path))
      .replace(/\.(ts|tsx)$/, '.js')
      .replace(/\.mts$/, '.mjs')
      .replace(/\.cts$/, '.cjs');
    if (!existsSync(output)) return `${relative(packageDir, output)} is missing`;
    oldestOutput = Math.min(oldestOutput, statSync(output).mtimeMs);
    const mtime = statSync(path).mtimeMs;
    if (mtime > newestSource.mtime) newestSource = { path, mtime };
  }
  for (const name of ['package.json', 'tsconfig.build.json']) {
    const path = join(packageDir, name);
    if (existsSync(path) && statSync(path).mtimeMs > newestSource.mtime)
      newestSource = { path, mtime: statSync(path).mtimeMs };
  }
  return newestSource.mtime > oldestOutput
    ? `${relative(packageDir, newestSource.path)} is newer than its last build`
    : null;
}

/**
 * Throws unless every package (directories under `root`) has a fresh dist/, naming the stale ones and the
 * command that builds them.
 * @example assertFreshDist('/repo', ['packages/core', 'packages/tracker'])
 */
export function assertFreshDist(root, packageDirs) {
  const stale = packageDirs
    .map((dir) => [dir, staleDistReason(join(root, dir))])
    .filter(([, reason]) => reason !== null)
    .map(([dir, reason]) => `  ${dir}: ${reason}`);
  if (stale.length > 0)
    throw new Error(
      `${root} has built code older than its sources, so a benchmark would measure old code:\n${stale.join('\n')}\nBuild it first (cd ${root} && pnpm -r build).`,
    );
}
