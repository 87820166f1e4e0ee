#!/usr/bin/env node
// The README's two commands on a machine that has only Node and npm: moves to Node 24 when the running
// Node is too old, installs pnpm on the fly (npx), installs and builds the workspace, then starts the
// product or runs every check and test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetBuild, isBuildFresh, recordBuild, sourceFingerprint } from './build-stamp.mjs';
import { ensureRuntime, MIN_NODE_MAJOR, nodeMajor } from './node-runtime.mjs';
import { pnpmCommand } from './pnpm-command.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };

if (nodeMajor() < MIN_NODE_MAJOR) {
  // Re-run this script under a cached Node 24. Its bin/ goes first on PATH so that pnpm, npx and every
  // child `node` use it too, and node-gyp takes headers from it (it ships include/node) rather than
  // from the system Node, whose ABI the native addons would otherwise be built for.
  const runtime = ensureRuntime();
  env.PATH = `${join(runtime, 'bin')}${delimiter}${env.PATH ?? ''}`;
  env.npm_config_nodedir = runtime;
  const result = spawnSync(join(runtime, 'bin', 'node'), [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  process.exit(result.status ?? 1);
}

// Native addons compile from source when no prebuilt binary fits; node-gyp finds Node's headers only
// through nodedir. A nodedir for another Node (the CI script sets /usr for Node 20) would build them
// for the wrong ABI, so keep it only when its headers are this Node's.
if (!sameNodeHeaders(env.npm_config_nodedir)) delete env.npm_config_nodedir;
if (!env.npm_config_nodedir) {
  const own = join(dirname(process.execPath), '..');
  if (sameNodeHeaders(own)) env.npm_config_nodedir = own;
  else if (sameNodeHeaders('/usr')) env.npm_config_nodedir = '/usr';
}
// The e2e suite uses Debian's Chromium; no package may download a browser. Next.js must not phone home.
env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
env.NEXT_TELEMETRY_DISABLED = '1';

function sameNodeHeaders(dir) {
  if (!dir) return false;
  const header = join(dir, 'include', 'node', 'node_version.h');
  if (!existsSync(header)) return false;
  const text = readFileSync(header, 'utf8');
  const major = text.match(/#define NODE_MAJOR_VERSION (\d+)/)?.[1];
  return Number(major) === nodeMajor();
}

const pnpm = pnpmCommand(root, env);

function run(args, label) {
  console.error(`\n▶ ${label}: ${[...pnpm, ...args].join(' ')}`);
  const result = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const [command, ...rest] = process.argv.slice(2);
const cli = ['--silent', '--filter', '@bytemeter/cli', 'run', 'bytemeter'];
if (command === 'bytemeter') {
  // The CLI on an already built workspace: only the runtime switch above, no install or build.
  const result = spawnSync(pnpm[0], [...pnpm.slice(1), ...cli, ...rest], { cwd: root, stdio: 'inherit', env });
  process.exit(result.status ?? 1);
}
if (!['start', 'demo', 'test', 'bench'].includes(command)) {
  console.error('usage: node scripts/run.mjs start|demo|test|bench|bytemeter');
  process.exit(2);
}
console.error(`▶ node ${process.version} (${process.execPath})`);
run(['install', ...(env.CI ? ['--frozen-lockfile'] : [])], 'install');
// start and demo skip the build when the sources are byte for byte those of the last good build (and its
// outputs are there); test and bench always build. BYTEMETER_FORCE_BUILD=1 builds anyway.
const fingerprint = sourceFingerprint(root, env);
if (
  (command === 'start' || command === 'demo') &&
  env.BYTEMETER_FORCE_BUILD !== '1' &&
  isBuildFresh(root, fingerprint)
) {
  console.error('\n▶ build: skipped, nothing changed since the last build (BYTEMETER_FORCE_BUILD=1 builds anyway)');
} else {
  forgetBuild(root);
  run(['-r', 'build'], 'build');
  // Only a build whose sources did not move while it ran stands for them.
  if (sourceFingerprint(root, env) === fingerprint) recordBuild(root, fingerprint);
}
if (command === 'start') {
  // With arguments, `npm start -- usage --period week` stays a CLI shortcut; without, the API and dashboard.
  if (rest.length > 0) run([...cli, ...rest], 'start');
  else run(['--filter', '@bytemeter/web', 'start'], 'start');
} else if (command === 'demo') {
  run(['--filter', '@bytemeter/web', 'demo'], 'demo');
} else if (command === 'bench') {
  run(['--filter', '@bytemeter/tracker', 'bench'], 'bench tracker');
  run(['--filter', '@bytemeter/tracker', 'bench:drill-down'], 'bench drill-down');
  run(['--filter', '@bytemeter/api', 'bench'], 'bench api');
  run(['--filter', '@bytemeter/client', 'bench'], 'bench replicas');
  run(['--filter', '@bytemeter/core-tests', 'bench'], 'bench presets');
} else {
  run(['exec', 'biome', 'check', '.'], 'lint');
  run(['-r', 'typecheck'], 'typecheck');
  // Everything was just built above; the e2e suite's own build step is for running it alone.
  env.BYTEMETER_E2E_SKIP_BUILD = '1';
  // Printed from inside the test run, so the log shows which Node the suite really ran on.
  run(['exec', 'node', '-v'], 'node -v');
  run(['exec', 'node', '--test', 'scripts/build-stamp.test.mjs', 'scripts/dist-freshness.test.mjs'], 'test scripts');
  run(['-r', '--workspace-concurrency=1', 'test'], 'test');
}
