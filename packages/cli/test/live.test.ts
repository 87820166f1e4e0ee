import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type ApiProcess, startApiProcess } from '@bytemeter/api/testing';
import { openResourceTracker } from '@bytemeter/tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/run.js';
import { runBinary } from './support/run-cli.js';

// `bytemeter live` against the local file and, through --endpoint, the API's liveBandwidth subscription:
// bytes written by another tracker after the view started appear in its samples, exactly once.

interface Sample {
  uploadBytes: number;
  downloadBytes: number;
  uploadMbps: number;
}

/** Runs `live --json`, records an upload and a download once the first sample is printed, and collects all. */
async function liveWhileRecording(db: string, target: string[]): Promise<{ code: number; samples: Sample[] }> {
  const lines: string[] = [];
  let firstLine!: () => void;
  const first = new Promise<void>((resolve) => {
    firstLine = resolve;
  });
  const stdout = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      firstLine();
      done();
    },
  });
  const stderr = new Writable({ write: (_c, _e, done) => done() });
  const running = run(['live', '--json', '--interval', '250', '--count', '6', ...target], {
    stdout,
    stderr,
    env: {},
    now: Date.now,
  });
  await first;
  const tracker = openResourceTracker({ path: db });
  tracker.trackBandwidthUpload('photos', 's3', 3 * 1024 * 1024);
  tracker.trackBandwidthDownload('photos', 's3', 4096);
  await tracker.close();
  const code = await running;
  return { code, samples: lines.map((l) => JSON.parse(l) as Sample) };
}

describe('bytemeter live', () => {
  let api: ApiProcess;
  let db: string;

  beforeAll(async () => {
    db = join(mkdtempSync(join(tmpdir(), 'bm-cli-live-')), 'live.db');
    const seed = openResourceTracker({ path: db });
    // Traffic from before the view started is not live traffic: it must not show.
    seed.trackBandwidthUpload('photos', 's3', 999_999);
    await seed.close();
    api = await startApiProcess({ dbPath: db });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    ['the local database', () => ['--db', db]],
    ['--endpoint', () => ['--endpoint', api.url]],
  ])('samples what lands while it runs, from %s', async (_name, target) => {
    const { code, samples } = await liveWhileRecording(db, target());
    expect(code).toBe(0);
    expect(samples).toHaveLength(6);
    expect(samples.reduce((sum, s) => sum + s.uploadBytes, 0)).toBe(3 * 1024 * 1024);
    expect(samples.reduce((sum, s) => sum + s.downloadBytes, 0)).toBe(4096);
    expect(samples.some((s) => s.uploadMbps > 0)).toBe(true);
  });

  it('prints a line a sample as text, and refuses a too short interval', async () => {
    const r = await runBinary(['live', '--interval', '250', '--count', '2', '--db', db]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2} {2}↑ +\d[\d,]*\.\d\d Mbps \(.+\) +↓ .+ total \d[\d,]*\.\d\d Mbps$/);
    const bad = await runBinary(['live', '--interval', '10', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--interval must be a whole number from 250 to 3600000; got "10"/);
  });
});
