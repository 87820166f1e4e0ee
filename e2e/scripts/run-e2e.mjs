#!/usr/bin/env node
// `pnpm --filter @bytemeter/e2e test`: makes sure Debian's Chromium is there (apt, never a browser download),
// builds the API and dashboard with what they depend on, and runs Playwright. Playwright's global setup
// starts both servers on a fresh database and stops them at the end.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../scripts/require-node.mjs';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', NEXT_TELEMETRY_DISABLED: '1' };

function run(command, args, label) {
  console.error(`\n▶ e2e ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: e2eDir, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`✖ e2e ${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

if (existsSync(CHROMIUM)) {
  console.error(`e2e: using ${CHROMIUM}`);
} else {
  if (process.getuid?.() !== 0) {
    console.error(`✖ e2e needs ${CHROMIUM}: run \`sudo apt-get update && sudo apt-get install -y chromium\`.`);
    process.exit(1);
  }
  env.DEBIAN_FRONTEND = 'noninteractive';
  run('apt-get', ['update'], 'apt update');
  // With its recommended packages: they bring the fonts the screenshots need.
  run('apt-get', ['install', '-y', 'chromium'], 'install Chromium');
}
if (process.env.BYTEMETER_E2E_SKIP_BUILD !== '1') run('pnpm', ['--filter', '@bytemeter/e2e^...', 'build'], 'build');
run('pnpm', ['exec', 'playwright', 'test', ...process.argv.slice(2)], 'playwright');
