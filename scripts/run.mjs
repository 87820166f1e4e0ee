#!/usr/bin/env node
// The README's two commands on a machine that has only Node and npm: installs pnpm on the fly (npx),
// installs and builds the workspace, then starts the product or runs every check and test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@10.34.9';
const env = { ...process.env };
// better-sqlite3 compiles from source here; node-gyp finds Node's headers only through nodedir.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
// The e2e suite uses Debian's Chromium; no package may download a browser. Next.js must not phone home.
env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
env.NEXT_TELEMETRY_DISABLED = '1';

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (probe.status === 0 && probe.stdout.startsWith('10.')) return ['pnpm'];
  return ['npx', '--yes', PNPM];
}

const pnpm = pnpmCommand();

function run(args, label) {
  console.error(`\n▶ ${label}: ${[...pnpm, ...args].join(' ')}`);
  const result = spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const [command, ...rest] = process.argv.slice(2);
run(['install', ...(env.CI ? ['--frozen-lockfile'] : [])], 'install');
run(['-r', 'build'], 'build');
if (command === 'start') {
  // With arguments, `npm start -- usage --period week` stays a CLI shortcut; without, the API and dashboard.
  if (rest.length > 0) run(['bytemeter', ...rest], 'start');
  else run(['--filter', '@bytemeter/web', 'start'], 'start');
} else if (command === 'demo') {
  run(['--filter', '@bytemeter/web', 'demo'], 'demo');
} else if (command === 'test') {
  run(['exec', 'biome', 'check', '.'], 'lint');
  run(['-r', 'typecheck'], 'typecheck');
  // Everything was just built above; the e2e suite's own build step is for running it alone.
  env.BYTEMETER_E2E_SKIP_BUILD = '1';
  run(['-r', '--workspace-concurrency=1', 'test'], 'test');
} else {
  console.error('usage: node scripts/run.mjs start|demo|test');
  process.exit(2);
}
