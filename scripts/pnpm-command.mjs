// The pnpm that package.json's `packageManager` names: the one on PATH when its major matches,
// otherwise that exact version through npx (npm is all a fresh machine has).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function pnpmCommand(root, env) {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const wanted = String(packageManager)
    .replace(/^pnpm@/, '')
    .split('+')[0];
  const major = `${wanted.split('.')[0]}.`;
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (probe.status === 0 && probe.stdout.trim().startsWith(major)) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${wanted}`];
}
