import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openResourceTracker } from '@bytemeter/tracker';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBinary } from './support/run-cli.js';

// The built binary as a shell pipeline sees it: a reader that stops early, and exit codes of bad names.

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const db = join(mkdtempSync(join(tmpdir(), 'bm-cli-pipe-')), 'pipe.db');

beforeAll(async () => {
  const tracker = openResourceTracker({ path: db });
  const now = Date.now();
  // Far more than one pipe buffer of export, so the export is still writing when the reader leaves.
  for (let i = 0; i < 20_000; i++)
    tracker.trackBandwidthUpload('photos', 's3', 1000 + i, { timestamp: now - 60_000 - i });
  await tracker.close();
});

/** `bytemeter …argv | head -1`: the first line, then the pipe closes. */
function firstLineThenClose(argv: string[]): Promise<{ code: number | null; line: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, line: out.split('\n')[0]!, stderr }));
  });
}

describe('a closed pipe', () => {
  it('ends `export | head -1` quietly with exit 0', async () => {
    for (const format of ['ndjson', 'csv']) {
      const r = await firstLineThenClose(['export', '--format', format, '--db', db]);
      expect(r.stderr, format).toBe('');
      expect(r.code, format).toBe(0);
      expect(r.line.length, format).toBeGreaterThan(10);
    }
  });

  it('ends `live | head -1` quietly with exit 0 (it would run forever otherwise)', async () => {
    const r = await firstLineThenClose(['live', '--interval', '250', '--db', db]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.line).toMatch(/total .* Mbps$/);
  });
});

describe('a backend that does not exist', () => {
  it('is bad usage (exit 2) naming the known ones', async () => {
    const r = await runBinary(['status', '--backend', 'nope', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('bytemeter status: No backend named "nope"; known: photos.\n');
  });
});
