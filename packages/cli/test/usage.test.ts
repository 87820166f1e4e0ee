import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openResourceTracker } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { usageCommand } from '../src/commands/usage.js';

describe('bytemeter usage', () => {
  it('prints aligned totals per backend and resource for the day', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bm-cli-')), 'usage.db');
    const at = Date.parse('2026-11-27T10:00:00Z');
    const tracker = openResourceTracker({ path, clock: () => at });
    tracker.trackBandwidthUpload('photos', 's3', 3 * 1024 * 1024);
    tracker.trackApiCall('photos', 's3');
    tracker.trackApiCall('pins', 'ipfs');
    const out = await usageCommand(tracker, { period: 'day', timezone: 'UTC' });
    await tracker.close();
    expect(out).toBe(
      [
        'Usage for the day 2026-11-27T00:00:00.000Z → 2026-11-28T00:00:00.000Z (UTC)',
        '',
        'BACKEND  TYPE  RESOURCE            AMOUNT  EVENTS',
        '───────  ────  ────────────────  ────────  ──────',
        'photos   s3    bandwidth_upload  3.00 MiB       1',
        'photos   s3    api_calls           1 call       1',
        'pins     ipfs  api_calls           1 call       1',
        '',
        'Total: upload 3.00 MiB · download 0 B · stored Δ 0 B · 2 calls · cost $0.00',
      ].join('\n'),
    );
  });
});
