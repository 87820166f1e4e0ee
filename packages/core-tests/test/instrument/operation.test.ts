import { ValidationError } from '@bytemeter/core';
import { startOperation, trackOperation } from '@bytemeter/core/instrument';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsOf, MODES, openSink, type Sink, tally } from '../support/sink.js';

// Run once into a local tracker and once through a RemoteTracker to a real API process, with the same
// expectations: the wrappers and operation scopes record into any UsageRecorder.
describe.each(MODES)('recording into a %s tracker', (mode) => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await openSink(mode);
  });
  afterEach(() => sink.dispose());

  describe('trackOperation', () => {
    it('puts every amount under one operationId and records no failure when fn succeeds', async () => {
      const result = await trackOperation(
        'pins',
        'ipfs',
        'pin-dataset',
        async (op) => {
          op.addBandwidthUpload(1000, { block: 1 });
          await new Promise((r) => setImmediate(r));
          op.addBandwidthUpload(500);
          op.addStorageUsage(1500);
          op.addApiCall();
          op.addCost(0.25);
          expect(op.getSummary().resources).toEqual({
            bandwidth_upload: 1500,
            storage_used: 1500,
            api_calls: 1,
            operation_cost: 2500,
          });
          return op.operationId;
        },
        { tracker: sink.recorder },
      );
      const events = await eventsOf(sink, 'pins');
      expect(events).toHaveLength(5);
      expect(new Set(events.map((e) => e.operationId))).toEqual(new Set([result]));
      expect(events.every((e) => e.success)).toBe(true);
      expect(events[0]!.metadata).toEqual({ operation: 'pin-dataset', block: 1 });
      const summary = await (await sink.settled()).getResourceSummary({
        to: new Date(Date.now() + 60_000),
        from: new Date(Date.now() - 3_600_000),
      });
      expect(summary.totals).toMatchObject({
        bandwidthUpload: 1500,
        storageUsed: 1500,
        apiCalls: 1,
        operationCostMicros: 2500,
      });
    });

    it('records a failure once, keeps the amounts already moved, and re-throws the same error', async () => {
      const boom = new Error('gateway timeout');
      let id = '';
      await expect(
        trackOperation(
          'pins',
          'ipfs',
          'fetch-car',
          async (op) => {
            id = op.operationId;
            op.addBandwidthDownload(4096);
            op.fail(new Error('first'));
            throw boom;
          },
          { tracker: sink.recorder },
        ),
      ).rejects.toBe(boom);
      const events = await eventsOf(sink, 'pins');
      expect(tally(events)).toEqual({
        bandwidth_download: { amount: 4096, count: 1, failed: 0 },
        api_calls: { amount: 1, count: 1, failed: 1 },
      });
      expect(events.every((e) => e.operationId === id)).toBe(true);
      // The first failure marked wins; it is recorded once.
      expect(events[1]!.metadata).toEqual({ operation: 'fetch-car', error: 'Error' });
    });

    it('runs a sync function too', async () => {
      const value = await trackOperation(
        'disk',
        'local',
        'sync',
        (op) => {
          op.addBandwidthUpload(3);
          return 'done';
        },
        { tracker: sink.recorder },
      );
      expect(value).toBe('done');
      expect(tally(await eventsOf(sink, 'disk'))).toEqual({ bandwidth_upload: { amount: 3, count: 1, failed: 0 } });
    });
  });

  describe('startOperation', () => {
    it('ends with `using`, recording a failure marked inside the block once', async () => {
      let id = '';
      {
        using op = startOperation('hub', 'huggingface', 'download-model', { tracker: sink.recorder });
        id = op.operationId;
        op.addBandwidthDownload(10);
        op.addBandwidthDownload(20);
        try {
          throw new TypeError('bad shard');
        } catch (error) {
          op.fail(error);
        }
      }
      const events = await eventsOf(sink, 'hub');
      expect(tally(events)).toEqual({
        bandwidth_download: { amount: 30, count: 2, failed: 0 },
        api_calls: { amount: 1, count: 1, failed: 1 },
      });
      expect(events.every((e) => e.operationId === id)).toBe(true);
      expect(events[2]!.durationMs).not.toBeNull();
    });

    it('refuses amounts after the scope ended, and bad amounts at once, changing nothing', async () => {
      const op = startOperation('hub', 'huggingface', 'x', { tracker: sink.recorder });
      expect(() => op.addBandwidthUpload(-1)).toThrow(ValidationError);
      op.end();
      op.end();
      expect(() => op.addBandwidthUpload(1)).toThrow(/already ended/);
      expect(op.getSummary().resources).toEqual({});
      expect(await eventsOf(sink, 'hub')).toEqual([]);
    });
  });
});
