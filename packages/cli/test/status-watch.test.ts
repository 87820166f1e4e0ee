import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type BackendStatus, openResourceTracker } from '@bytemeter/tracker';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusCommand } from '../src/commands/status.js';
import { plain } from '../src/paint.js';
import { run } from '../src/run.js';
import { runCli } from './support/run-cli.js';

// `bytemeter status --watch`: frames one after another to a pipe, redrawn in place on a terminal, a clean
// exit 0 on Ctrl-C; and the REASON column, escaped before the columns are measured.

const NOW = Date.parse('2026-11-20T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'bm-cli-watch-'));
const db = join(dir, 'watch.db');
const ESC = '\u001b';

beforeAll(async () => {
  const tracker = openResourceTracker({ path: db, clock: () => NOW, rawRetentionMs: null });
  tracker.trackBandwidthUpload('photos', 's3', 2048, { timestamp: NOW - 60_000 });
  for (let i = 0; i < 5; i++) tracker.trackApiCall('pins', 'ipfs', { timestamp: NOW - 50_000 + i, success: false });
  await tracker.close();
});

class Screen extends Writable {
  writes: string[] = [];
  /** As wide as a roomy terminal, so no line wraps. */
  readonly columns = 200;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.writes.push(chunk.toString());
    done();
  }
}

/** Runs status --watch in this process with a clock that moves a second per read. */
async function watch(tty: boolean, ...flags: string[]) {
  const stdout = new Screen(tty);
  const stderr = new Screen(false);
  let t = NOW;
  const now = () => {
    t += 1000;
    return t;
  };
  const code = await run(['status', '--watch', '--interval', '250', ...flags, '--db', db], {
    stdout,
    stderr,
    env: { NO_COLOR: '1' },
    now,
  });
  return { code, writes: stdout.writes, stderr: stderr.writes.join('') };
}

describe('status --watch', () => {
  it('prints the frames one after another to a pipe, with no cursor codes', async () => {
    const r = await watch(false, '--count', '3');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = r.writes.join('');
    expect(text).not.toContain(ESC);
    const frames = text.split('\n\n');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^Every 0\.25s: bytemeter status {2}2026-11-20T12:00:0\dZ\nBACKEND/);
    for (const frame of frames)
      expect(frame).toMatch(
        /pins +ipfs +unhealthy .* The last 5 calls failed; 5 of 5 calls failed in the last 15 min\./,
      );
  });

  it('redraws in place on a terminal: each frame erases the one before it', async () => {
    const r = await watch(true, '--count', '3');
    expect(r.code).toBe(0);
    expect(r.writes).toHaveLength(3);
    const [first, second] = r.writes as [string, string];
    expect(first).toContain('BACKEND');
    expect(first).toContain('(Ctrl-C to stop)');
    expect(first).not.toContain(`${ESC}[1A`);
    // The next frame goes back up over every line of the previous one (CSI 1 A), erasing each (CSI 2 K),
    // then draws itself with the new time: the screen holds one frame, not a growing log.
    const ups = second.split(`${ESC}[1A`).length - 1;
    expect(ups).toBe(first.split('\n').length - 1);
    expect(second.split(`${ESC}[2K`).length - 1).toBe(ups + 1);
    expect(second).toMatch(/12:00:0\dZ {2}\(Ctrl-C to stop\)\nBACKEND/);
    expect(second).not.toContain(first.match(/12:00:0\dZ/)![0]);
    expect(r.writes.join('')).not.toContain(`${ESC}[?25l`); // the cursor is never hidden
  });

  it('refuses flags that do not fit, before reading anything', async () => {
    for (const argv of [
      ['status', '--interval', '500'],
      ['status', '--count', '2'],
      ['status', '--watch', '--json'],
      ['status', '--watch', '--interval', '100'],
      ['status', '--watch', '--count', '0'],
    ]) {
      const r = await runCli([...argv, '--db', db], { now: NOW });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^bytemeter status: /);
    }
  });

  it('ends quietly with exit 0 on Ctrl-C', async () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const child = spawn(process.execPath, [main, 'status', '--watch', '--interval', '250', '--db', db], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        // Two frames in: the view is running its refresh loop.
        if (stdout.split('Every ').length > 2) resolve();
      });
    });
    const sent = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(stderr).toBe('');
  });
});

describe('status REASON column', () => {
  it("shows each backend's health reason, control characters escaped before columns are measured", async () => {
    const base: BackendStatus = {
      backend: 'a',
      backendType: 's3',
      isActive: true,
      healthStatus: 'degraded',
      healthReason: 'plain reason',
      errorRate: 0.5,
      consecutiveFailures: 1,
      currentBandwidthUsageMbps: 0,
      currentUploadMbps: 0,
      currentDownloadMbps: 0,
      currentStorageUsageBytes: 0,
      currentStorageUsageGb: 0,
      lastOperationAt: null,
    };
    const reader = {
      getBackendStatus: async () => ({
        a: base,
        b: { ...base, backend: 'b', healthReason: `x${ESC}]0;pwned\u0007y` },
      }),
    };
    const text = plain(await statusCommand(reader, {}));
    expect(text).not.toContain(ESC);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/ REASON$/);
    expect(lines[3]).toMatch(/ x\\x1b\]0;pwned\\x07y$/);
    // REASON starts in the same column on every line.
    const col = lines[0]!.indexOf('REASON');
    expect(lines[2]!.indexOf('plain reason')).toBe(col);
    expect(lines[3]!.indexOf('x\\x1b')).toBe(col);
  });
});
