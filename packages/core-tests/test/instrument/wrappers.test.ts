import { ValidationError } from '@bytemeter/core';
import { AmountInferenceError, trackApi, trackDownload, trackStorage, trackUpload } from '@bytemeter/core/instrument';
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

  describe('higher-order wrappers', () => {
    it('keeps a sync function sync and records the bytes of its byte-like argument', async () => {
      const put = trackUpload('disk', 'local', { tracker: sink.recorder })(
        (key: string, body: Uint8Array) => `${key}:${body.length}`,
      );
      const result = put('a', new Uint8Array(1234));
      expect(result).toBe('a:1234'); // not a promise
      const events = await eventsOf(sink, 'disk');
      expect(events.map((e) => [e.resourceType, e.amount, e.success])).toEqual([['bandwidth_upload', 1234, true]]);
      expect(events[0]!.durationMs).not.toBeNull();
    });

    it('measures every byte-like kind: UTF-8 strings, ArrayBuffer, Buffer views, Blob and a named Body', async () => {
      const put = trackUpload('up', 's3', { tracker: sink.recorder })((..._args: unknown[]) => undefined);
      put('héllo wörld'); // 13 bytes in UTF-8, 11 characters
      put(new ArrayBuffer(7));
      put(Buffer.alloc(5));
      put(new DataView(new ArrayBuffer(16), 4, 8));
      put(new Blob(['abc', new Uint8Array(3)]));
      put({ Bucket: 'b', Key: 'k', Body: new Uint8Array(99) });
      put(42, { data: 'xyz' });
      put('key/with/a/long/name', new Uint8Array(2)); // binary wins over a string key
      put('key', 'the text'); // the last string is the payload
      const events = await eventsOf(sink, 'up');
      expect(events.map((e) => e.amount)).toEqual([13, 7, 5, 8, 6, 99, 3, 2, 8]);
    });

    it('records downloads from a byte-like result, `size` or `ContentLength` once an async call resolves', async () => {
      const get = trackDownload('hub', 'huggingface', { tracker: sink.recorder })(async (kind: string) => {
        await new Promise((r) => setImmediate(r));
        if (kind === 'bytes') return new Uint8Array(300);
        if (kind === 'blob') return new Blob([new Uint8Array(40)]);
        if (kind === 'sdk') return { ContentLength: 5000, Body: 'stream' };
        return { size: 77 };
      });
      const promise = get('bytes');
      expect(promise).toBeInstanceOf(Promise);
      expect(await promise).toEqual(new Uint8Array(300));
      await get('blob');
      await get('sdk');
      await get('sized');
      const events = await eventsOf(sink, 'hub');
      expect(events.map((e) => [e.resourceType, e.amount])).toEqual([
        ['bandwidth_download', 300],
        ['bandwidth_download', 40],
        ['bandwidth_download', 5000],
        ['bandwidth_download', 77],
      ]);
    });

    it('uses the `amount` option before inference and records a path', async () => {
      const put = trackUpload('up', 's3', {
        tracker: sink.recorder,
        amount: ([, size]) => size as number,
        path: ([key]) => key as string,
      })((_key: string, _size: number, _ignored: Uint8Array) => true);
      put('cats/1.jpg', 2048, new Uint8Array(1));
      const [event] = await eventsOf(sink, 'up');
      expect(event).toMatchObject({ resourceType: 'bandwidth_upload', amount: 2048, path: 'cats/1.jpg' });
    });

    it('records a sync throw as one failed API call, never as 0 bytes, and re-throws the same error', async () => {
      const boom = new RangeError('disk full');
      const put = trackUpload('disk', 'local', { tracker: sink.recorder })((_b: Uint8Array) => {
        throw boom;
      });
      let caught: unknown;
      try {
        put(new Uint8Array(10));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(boom);
      const events = await eventsOf(sink, 'disk');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ resourceType: 'api_calls', amount: 1, success: false });
      expect(events[0]!.metadata).toMatchObject({ operation: 'upload', error: 'RangeError' });
      const { disk } = await (await sink.settled()).getBackendStatus('disk');
      expect(disk!.errorRate).toBe(1);
      expect(disk!.consecutiveFailures).toBe(1);
    });

    it('records a rejection as one failed API call and rejects with the same value', async () => {
      const reason = { status: 503 };
      const get = trackDownload('hub', 'huggingface', { tracker: sink.recorder })(async () => {
        throw reason;
      });
      await expect(get()).rejects.toBe(reason);
      const ok = trackDownload('hub', 'huggingface', { tracker: sink.recorder })(async () => new Uint8Array(8));
      await ok();
      const t = tally(await eventsOf(sink, 'hub'));
      expect(t).toEqual({
        api_calls: { amount: 1, count: 1, failed: 1 },
        bandwidth_download: { amount: 8, count: 1, failed: 0 },
      });
      const { hub } = await (await sink.settled()).getBackendStatus('hub');
      expect(hub!.errorRate).toBe(0.5);
    });

    it('never loses the result when inference or recording fails, and reports the failure instead', async () => {
      const reported: unknown[] = [];
      const onError = (e: unknown) => reported.push(e);
      const badAmount = trackUpload('up', 's3', {
        tracker: sink.recorder,
        onError,
        amount: () => {
          throw new Error('bug in amount');
        },
      })(() => 'kept');
      expect(badAmount()).toBe('kept');
      const negative = trackUpload('up', 's3', { tracker: sink.recorder, onError, amount: () => -5 })(
        async () => 'kept too',
      );
      expect(await negative()).toBe('kept too');
      const unknown = trackDownload('up', 's3', { tracker: sink.recorder, onError })(() => ({ rows: 3 }));
      expect(unknown()).toEqual({ rows: 3 });
      expect(reported.map((e) => (e as Error).message)).toEqual([
        'bug in amount',
        expect.stringContaining('non-negative integer'),
        expect.stringContaining('Could not infer the download amount'),
      ]);
      expect(reported[1]).toBeInstanceOf(ValidationError);
      expect(reported[2]).toBeInstanceOf(AmountInferenceError);
      // The call whose amount could not be inferred still counts as one successful API call.
      expect(tally(await eventsOf(sink, 'up'))).toEqual({ api_calls: { amount: 1, count: 1, failed: 0 } });
    });

    it('records signed storage deltas and API calls', async () => {
      const put = trackStorage('disk', 'local', { tracker: sink.recorder })((_data: string) => undefined);
      const remove = trackStorage('disk', 'local', { tracker: sink.recorder, amount: ([size]) => -(size as number) })(
        (_size: number) => undefined,
      );
      const list = trackApi('disk', 'local', { tracker: sink.recorder })(async () => ['a']);
      const batch = trackApi('disk', 'local', { tracker: sink.recorder, amount: ([n]) => n as number })(
        (_n: number) => undefined,
      );
      put('0123456789');
      remove(4);
      await list();
      batch(3);
      const t = tally(await eventsOf(sink, 'disk'));
      expect(t.storage_used).toEqual({ amount: 6, count: 2, failed: 0 });
      expect(t.api_calls).toEqual({ amount: 4, count: 2, failed: 0 });
      const { disk } = await (await sink.settled()).getBackendStatus('disk');
      expect(disk!.currentStorageUsageBytes).toBe(6);
    });

    it('refuses bad backend names and types at once, with a typed error', () => {
      expect(() => trackUpload('', 's3')).toThrow(ValidationError);
      expect(() => trackUpload('x', 'ftp' as 's3')).toThrow(/Backend type must be one of/);
    });
  });

  describe('TC39 method decorators', () => {
    it('decorate sync and async methods, keeping `this`, results and errors', async () => {
      const t = sink.recorder;
      class Store {
        prefix = 'bucket/';
        saved: string[] = [];

        @trackUpload('store', 's3', { tracker: t })
        put(key: string, _body: Uint8Array): string {
          this.saved.push(this.prefix + key);
          return this.prefix + key;
        }

        @trackDownload('store', 's3', { tracker: t })
        async get(key: string): Promise<Buffer> {
          if (key === 'missing') throw new Error(`${this.prefix}${key} not found`);
          return Buffer.alloc(key.length * 100);
        }
      }
      const store = new Store();
      expect(store.put('a', new Uint8Array(512))).toBe('bucket/a');
      expect(store.saved).toEqual(['bucket/a']);
      expect((await store.get('abc')).length).toBe(300);
      await expect(store.get('missing')).rejects.toThrow('bucket/missing not found');
      expect(store.put.name).toBe('put');
      const events = await eventsOf(sink, 'store');
      expect(events.map((e) => [e.resourceType, e.amount, e.success])).toEqual([
        ['bandwidth_upload', 512, true],
        ['bandwidth_download', 300, true],
        ['api_calls', 1, false],
      ]);
      expect(events[2]!.metadata).toMatchObject({ function: 'get', operation: 'download' });
    });
  });
});
