import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

// --from/--to on usage, details and export: exact instants, dates and wall times read in --timezone, and
// times relative to the (fixed) clock.

const NOW = Date.parse('2026-11-20T12:00:00Z');
const db = join(mkdtempSync(join(tmpdir(), 'bm-cli-ranges-')), 'ranges.db');
const at = (iso: string) => ({ timestamp: Date.parse(iso) });
const cli = (...argv: string[]) => runCli([...argv, '--db', db], { now: NOW });
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

beforeAll(async () => {
  const tracker = openResourceTracker({ path: db, clock: () => NOW, rawRetentionMs: null });
  tracker.trackBandwidthUpload('photos', 's3', 5000, at('2026-11-20T10:00:00Z'));
  tracker.trackBandwidthDownload('photos', 's3', 1536, at('2026-11-20T10:05:00Z'));
  tracker.trackStorageUsage('photos', 's3', 4096, at('2026-11-20T11:00:00Z'));
  tracker.trackApiCall('pins', 'ipfs', at('2026-11-19T20:00:00Z'));
  tracker.trackApiCall('pins', 'ipfs', at('2026-11-18T20:00:00Z'));
  await tracker.close();
});

describe('--from/--to', () => {
  it('usage over dates in --timezone equals the calendar day it spans', async () => {
    const range = await cli('usage', '--from', '2026-11-20', '--to', '2026-11-21', '--timezone', 'UTC', '--json');
    const day = await cli('usage', '--timezone', 'UTC', '--json');
    expect([range.code, day.code, range.stderr]).toEqual([0, 0, '']);
    const r = JSON.parse(range.stdout);
    expect(r).toMatchObject({
      period: null,
      periodStart: '2026-11-20T00:00:00.000Z',
      periodEnd: '2026-11-21T00:00:00.000Z',
    });
    expect(r.totals).toEqual(JSON.parse(day.stdout).totals);
    expect(r.totals.bandwidthUpload).toBe(5000);
  });

  it('yesterday starts at midnight in the zone; the range ends now', async () => {
    const r = await cli('usage', '--from', 'yesterday', '--timezone', 'Asia/Kolkata', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    // 19 November 00:00 in Kolkata (+05:30) is 18 November 18:30 UTC.
    expect(Date.parse(s.periodStart)).toBe(Date.parse('2026-11-18T18:30:00Z'));
    expect(Date.parse(s.periodEnd)).toBe(NOW);
    // 18 Nov 20:00 UTC is 19 Nov 01:30 in Kolkata: inside; both calls count.
    expect(s.totals.apiCalls).toBe(2);
    const utc = await cli('usage', '--from', 'yesterday', '--timezone', 'UTC', '--json');
    expect(JSON.parse(utc.stdout).totals.apiCalls).toBe(1);
  });

  it('details over a relative window, times shown in --timezone', async () => {
    const r = await cli('details', '--from', '-3h', '--to', '-90m', '--timezone', 'Asia/Kolkata');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = lines(r.stdout);
    expect(out).toHaveLength(5);
    expect(out[2]).toMatch(/^2026-11-20T15:35:00\.000\+05:30 +photos +s3 +bandwidth_download/);
    expect(out[3]).toMatch(/^2026-11-20T15:30:00\.000\+05:30 +photos +s3 +bandwidth_upload/);
    expect(out.at(-1)).toContain('from 2026-11-20T14:30:00.000+05:30 to 2026-11-20T16:00:00.000+05:30');
  });

  it('export over a wall-time range read in the zone', async () => {
    const r = await cli(
      'export',
      '--format',
      'ndjson',
      '--from',
      '2026-11-20T15:30',
      '--to',
      '2026-11-20 16:30:01',
      '--timezone',
      'Asia/Kolkata',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const events = lines(r.stdout).map((l) => JSON.parse(l) as { timestamp: string });
    expect(events.map((e) => e.timestamp)).toEqual([
      '2026-11-20T10:00:00.000Z',
      '2026-11-20T10:05:00.000Z',
      '2026-11-20T11:00:00.000Z',
    ]);
    const exact = await cli('export', '--format', 'ndjson', '--from', '2026-11-20T10:01:00Z', '--to', 'now');
    expect(lines(exact.stdout)).toHaveLength(2);
  });

  it('refuses what cannot be a range with exit 2, opening nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['usage', '--from', '2026-11-31'], /--from must be an existing time, .*got "2026-11-31"/],
      [['usage', '--from', '2026-11-20T24:00'], /--from must be an existing time/],
      [['details', '--to', 'tomorrowish'], /--to must be an existing time/],
      [['usage', '--to', '-1d'], /--to needs --from/],
      [['usage', '--from', '-1d', '--period', 'week'], /either --period\/--at .* or --from\/--to/],
      [['details', '--from', '-1d', '--hours', '3'], /either --hours .* or --from/],
      [['export', '--from', 'now', '--to', '-1h'], /--from must be before --to/],
      [['usage', '--from', '-1d', '--timezone', 'Mars/Base'], /Unknown time zone "Mars\/Base"/],
      [['details', '--timezone', 'Mars/Base'], /Unknown time zone "Mars\/Base"/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli([...argv, '--db', join(tmpdir(), 'bm-never-created.db')], { now: NOW });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
