import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { usageCommand } from '../src/commands/usage.js';
import { plain } from '../src/paint.js';

describe('bytemeter usage', () => {
  it('prints one row per backend, a column per resource, thousands separated', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bm-cli-')), 'usage.db');
    const at = Date.parse('2026-11-27T10:00:00Z');
    const tracker = openResourceTracker({ path, clock: () => at });
    tracker.trackBandwidthUpload('photos', 's3', 3 * 1024 * 1024);
    tracker.trackApiCall('photos', 's3');
    tracker.trackApiCall('pins', 'ipfs');
    for (let i = 0; i < 1233; i++) tracker.trackApiCall('photos', 's3');
    tracker.trackCost('photos', 's3', 123_456.78);
    const out = plain(await usageCommand(tracker, { period: 'day', timezone: 'UTC' }));
    await tracker.close();
    expect(out).toBe(
      [
        'Usage for the day 2026-11-27T00:00:00.000Z → 2026-11-28T00:00:00.000Z (UTC)',
        '',
        'BACKEND  TYPE    UPLOAD  DOWNLOAD  STORED Δ  CALLS       COST  EVENTS',
        '───────  ────  ────────  ────────  ────────  ─────  ─────────  ──────',
        'photos   s3    3.00 MiB         –         –  1,234  $1,234.57   1,236',
        'pins     ipfs         –         –         –      1          –       1',
        '',
        'Total: upload 3.00 MiB · download 0 B · stored Δ 0 B · 1,235 calls · cost $1,234.57',
      ].join('\n'),
    );
  });
});
