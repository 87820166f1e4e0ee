import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@bytemeter/core';
import { instrumentFs } from '@bytemeter/core/fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byOperation, eventsOf, MODES, openSink, type Sink, tally } from '../support/sink.js';

// The adapter's tests, run once into a local tracker and once through a RemoteTracker to a real API
// process, with the same exact expectations: the adapter does not know or care where it records.
describe.each(MODES)('recording into a %s tracker', (mode) => {
  let sink: Sink;
  let disk: ReturnType<typeof instrumentFs>;
  let root: string;
  const reported: unknown[] = [];

  let dir: string;

  beforeEach(async () => {
    sink = await openSink(mode);
    dir = mkdtempSync(join(tmpdir(), 'bytemeter-fs-adapter-'));
    root = join(dir, 'files');
    mkdirSync(root);
    reported.length = 0;
    disk = instrumentFs({ backend: 'scratch', tracker: sink.recorder, onError: (e) => reported.push(e) });
  });
  afterEach(async () => {
    await sink.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const level = async () =>
    (await (await sink.settled()).getBackendStatus('scratch')).scratch!.currentStorageUsageBytes;

  describe('instrumentFs on a temp directory', () => {
    it('writeFile and readFile: bytes each way, overwrites and appends stored exactly', async () => {
      const file = join(root, 'a.bin');
      await disk.writeFile(file, new Uint8Array(1000));
      await disk.writeFile(file, 'héllo', 'utf8'); // overwrite: 1000 -> 6 bytes
      await disk.appendFile(file, new Uint8Array(94));
      const text = await disk.readFile(file, 'latin1');
      expect(text.length).toBe(100);
      const bytes = await disk.readFile(file);
      expect(bytes.length).toBe(100);
      const events = await eventsOf(sink, 'scratch');
      expect(events.filter((e) => e.resourceType === 'bandwidth_upload').map((e) => e.amount)).toEqual([1000, 6, 94]);
      expect(events.filter((e) => e.resourceType === 'storage_used').map((e) => e.amount)).toEqual([1000, -994, 94]);
      expect(events.filter((e) => e.resourceType === 'bandwidth_download').map((e) => e.amount)).toEqual([100, 100]);
      expect(tally(events).api_calls).toEqual({ amount: 5, count: 5, failed: 0 });
      expect(await level()).toBe(100);
      expect(events.at(-1)).toMatchObject({ path: file, metadata: { operation: 'readFile' } });
      // One operation per call: each write's bytes, storage change and call share an id.
      expect(byOperation(events).map((o) => o.resources)).toEqual([
        ...Array(3).fill(['bandwidth_upload', 'storage_used', 'api_calls']),
        ['bandwidth_download', 'api_calls'],
        ['bandwidth_download', 'api_calls'],
      ]);
    });

    it('streams: bytes counted when the stream closes, storage from the size on disk', async () => {
      const file = join(root, 'stream.bin');
      const out = disk.createWriteStream(file);
      for (let i = 0; i < 10; i++) out.write(Buffer.alloc(4096, i));
      out.end();
      await once(out, 'close');
      let read = 0;
      await pipeline(disk.createReadStream(file, { start: 100 }), async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) read += chunk.length;
      });
      expect(read).toBe(40960 - 100);
      const t = tally(await eventsOf(sink, 'scratch'));
      expect(t).toEqual({
        bandwidth_upload: { amount: 40960, count: 1, failed: 0 },
        storage_used: { amount: 40960, count: 1, failed: 0 },
        bandwidth_download: { amount: 40860, count: 1, failed: 0 },
        api_calls: { amount: 2, count: 2, failed: 0 },
      });
    });

    it('rm and unlink subtract what was stored, recursive directories included', async () => {
      await disk.writeFile(join(root, 'x.bin'), new Uint8Array(300));
      mkdirSync(join(root, 'd', 'e'), { recursive: true });
      await disk.writeFile(join(root, 'd', 'one'), new Uint8Array(10));
      await disk.writeFile(join(root, 'd', 'e', 'two'), new Uint8Array(20));
      expect(await level()).toBe(330);
      await disk.unlink(join(root, 'x.bin'));
      await disk.rm(join(root, 'd'), { recursive: true });
      await disk.rm(join(root, 'gone'), { force: true }); // nothing there: no storage change
      expect(existsSync(join(root, 'd'))).toBe(false);
      expect(await level()).toBe(0);
      const stored = (await eventsOf(sink, 'scratch')).filter((e) => e.resourceType === 'storage_used');
      expect(stored.map((e) => e.amount)).toEqual([300, 10, 20, -300, -30]);
    });

    it('a failing call is one failed API call, its error unchanged, nothing stored', async () => {
      const missing = join(root, 'nope', 'file.bin');
      const error = await disk.readFile(missing).catch((e: unknown) => e);
      expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
      await expect(disk.writeFile(missing, 'data')).rejects.toThrow(/ENOENT/);
      const stream = disk.createReadStream(missing);
      await expect(once(stream, 'data')).rejects.toThrow(/ENOENT/);
      if (!stream.closed) await once(stream, 'close');
      const events = await eventsOf(sink, 'scratch');
      expect(events.map((e) => [e.resourceType, e.success, e.metadata])).toEqual([
        ['api_calls', false, { operation: 'readFile', error: 'ENOENT' }],
        ['api_calls', false, { operation: 'writeFile', error: 'ENOENT' }],
        ['api_calls', false, { operation: 'createReadStream', error: 'ENOENT' }],
      ]);
      // Three calls are too few to leave HEALTHY (the tracker's minOperations, 20); the rate and reason say it.
      const status = (await (await sink.settled()).getBackendStatus('scratch')).scratch!;
      expect(status.errorRate).toBe(1);
      expect(status.healthReason).toBe(
        '3 of 3 calls failed in the last 15 min: too few to judge (at least 20 needed).',
      );
    });

    it('reports, never throws, when a delete would take the level below zero (files from before tracking)', async () => {
      const old = join(root, 'old.bin');
      writeFileSync(old, new Uint8Array(50)); // written behind the tracker's back
      await disk.unlink(old);
      expect(existsSync(old)).toBe(false);
      // The call itself is still recorded; only the refused delta is left out.
      expect((await eventsOf(sink, 'scratch')).map((e) => [e.resourceType, e.success])).toEqual([['api_calls', true]]);
      // Where the refusal is heard differs, and must: the local tracker knows the level and refuses at the
      // call, so the adapter's onError hears it; through the API only the server knows the level, refuses
      // that one event, and the remote tracker's onError hears it (the rest of the batch is stored).
      const heard = mode === 'local' ? reported : sink.refused;
      const silent = mode === 'local' ? sink.refused : reported;
      expect(heard).toHaveLength(1);
      expect((heard[0] as Error).message).toMatch(/below|level/i);
      expect(silent).toEqual([]);
    });

    it('refuses a bad backend name with a typed error', () => {
      expect(() => instrumentFs({ backend: ' padded ' })).toThrow(ValidationError);
    });
  });
});
