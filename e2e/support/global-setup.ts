import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '@bytemeter/web/stack';

/**
 * Starts the built API and dashboard on a fresh SQLite file on free ports; the workers find them through
 * BYTEMETER_E2E_* variables. Returns the teardown that stops both and removes the database.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'bytemeter-e2e-'));
  const dbPath = join(dir, 'tracker.db');
  // The servers' output goes to artifacts/servers.log (or the terminal), to read when a test fails.
  const artifacts = join(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  const log = openSync(join(artifacts, 'servers.log'), 'w');
  const stack = await startStack({ dbPath, stdio: process.env.BYTEMETER_E2E_SERVER_LOGS === '1' ? 'inherit' : log });
  process.env.BYTEMETER_E2E_WEB_URL = stack.webUrl;
  process.env.BYTEMETER_E2E_API_URL = stack.apiUrl;
  process.env.BYTEMETER_E2E_DB = dbPath;
  process.env.BYTEMETER_E2E_DIR = dir;
  return async () => {
    await stack.stop();
    closeSync(log);
    rmSync(dir, { recursive: true, force: true });
  };
}
