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
  run(['bytemeter', ...(rest.length > 0 ? rest : ['usage'])], 'start');
} else if (command === 'test') {
  run(['exec', 'biome', 'check', '.'], 'lint');
  run(['-r', 'typecheck'], 'typecheck');
  run(['-r', '--workspace-concurrency=1', 'test'], 'test');
} else {
  console.error('usage: node scripts/run.mjs start|test');
  process.exit(2);
}
