import { createRequire } from 'node:module';
import * as os from 'node:os';
import Database from 'better-sqlite3';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  platform: string;
  loadAverage: number[];
  date: string;
}

/** What the numbers were measured on; the load average shows how busy the shared machine was. */
export function machineInfo(): MachineInfo {
  const sqlite = new Database(':memory:');
  const version = (sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v;
  sqlite.close();
  const require = createRequire(import.meta.url);
  const pkg = require('better-sqlite3/package.json') as { version: string };
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    sqlite: version,
    betterSqlite3: pkg.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}
