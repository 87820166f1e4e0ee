import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

// Every command's output for fixed data and a fixed clock, compared with the files in test/golden.
// After an intended change, regenerate them with UPDATE_GOLDEN=1 and review the diff.

const NOW = Date.parse('2026-11-20T12:00:00Z');
const at = (iso: string) => ({ timestamp: Date.parse(iso) });
const dir = mkdtempSync(join(tmpdir(), 'bm-cli-golden-'));
const db = join(dir, 'golden.db');

function golden(name: string, actual: string) {
  const file = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

beforeAll(async () => {
  const tracker = openResourceTracker({ path: db, clock: () => NOW, rawRetentionMs: null });
  tracker.trackBandwidthUpload('photos', 's3', 5 * 1024 * 1024, {
    ...at('2026-11-20T10:00:00Z'),
    path: 'cats/1.jpg',
    durationMs: 340,
  });
  tracker.trackBandwidthDownload('photos', 's3', 1536, at('2026-11-20T10:05:00Z'));
  tracker.trackStorageUsage('photos', 's3', 10 * 1024 * 1024, at('2026-11-20T10:00:00Z'));
  tracker.trackStorageUsage('photos', 's3', -1024 * 1024, at('2026-11-20T11:00:00Z'));
  tracker.trackCost('photos', 's3', 12.5, at('2026-11-20T10:00:00Z'));
  tracker.trackApiCall('pins', 'ipfs', at('2026-11-20T11:30:00Z'));
  tracker.trackApiCall('pins', 'ipfs', { ...at('2026-11-20T11:58:00Z'), success: false, durationMs: 1200 });
  // 23:00 UTC the day before: outside the UTC day, inside the Kolkata day (04:30 +05:30).
  tracker.trackBandwidthDownload('hub', 'huggingface', 3 * 1024 ** 3, at('2026-11-19T23:00:00Z'));
  await tracker.close();
});

const cli = (...argv: string[]) => runCli([...argv, '--db', db], { now: NOW });

describe('golden CLI output', () => {
  it('usage: the UTC day', async () => {
    const r = await cli('usage', '--timezone', 'UTC');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    golden('usage-day-utc.txt', r.stdout);
  });

  it('usage: the ISO week in Asia/Kolkata, one type', async () => {
    const r = await cli('usage', '--period', 'week', '--timezone', 'Asia/Kolkata', '--type', 'huggingface');
    expect(r.code).toBe(0);
    golden('usage-week-kolkata-hf.txt', r.stdout);
  });

  it('usage --json', async () => {
    const r = await cli('usage', '--timezone', 'Asia/Kolkata', '--json');
    expect(r.code).toBe(0);
    golden('usage-day-kolkata.json', r.stdout);
    expect(JSON.parse(r.stdout).totals.bandwidthDownload).toBe(3 * 1024 ** 3 + 1536);
  });

  it('details: the last 24 hours', async () => {
    const r = await cli('details');
    expect(r.code).toBe(0);
    golden('details-24h.txt', r.stdout);
  });

  it('details: one backend, limited', async () => {
    const r = await cli('details', '--backend', 'photos', '--limit', '2', '--hours', '3');
    expect(r.code).toBe(0);
    golden('details-photos-limit.txt', r.stdout);
  });

  it('status', async () => {
    const r = await cli('status');
    expect(r.code).toBe(0);
    golden('status.txt', r.stdout);
  });

  it('status --watch to a pipe: frame after frame', async () => {
    const r = await cli('status', '--watch', '--interval', '250', '--count', '2', '--backend', 'pins');
    expect(r.code).toBe(0);
    golden('status-watch.txt', r.stdout);
  });

  it('export to a file with a progress bar', async () => {
    const output = join(dir, 'week.csv');
    const r = await cli('export', '--format', 'csv', '--output', output, '--progress');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    golden('export-week.csv', readFileSync(output, 'utf8'));
    golden('export-week.stderr.txt', r.stderr.replace(output, '<FILE>'));
    expect(r.stderr).toContain('100% 8/8 events');
  });
});
