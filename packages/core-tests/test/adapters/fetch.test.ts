import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValidationError } from '@bytemeter/core';
import { instrumentFetch } from '@bytemeter/core/fetch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byOperation, eventsOf, MODES, openSink, type Sink, tally } from '../support/sink.js';

// The adapter's tests, run once into a local tracker and once through a RemoteTracker to a real API
// process, with the same exact expectations: the adapter does not know or care where it records.
describe.each(MODES)('recording into a %s tracker', (mode) => {
  const MiB = 1024 * 1024;
  const CHUNK = 64 * 1024;
  let server: Server;
  let base: string;
  let sink: Sink;
  let trackedFetch: typeof fetch;
  /** Resolved by the test once it has read the first chunk of /big; the server sends the rest only then. */
  let firstChunkSeen: () => void = () => {};
  let received = 0;

  function writeAll(res: ServerResponse, chunk: Buffer, times: number): Promise<void> {
    return new Promise((resolve) => {
      let left = times;
      const more = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        resolve();
      };
      more();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunk = Buffer.alloc(CHUNK, 7);
    if (req.url === '/ipfs/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(chunk);
      await new Promise<void>((resolve) => {
        firstChunkSeen = resolve;
      });
      await writeAll(res, chunk, (50 * MiB) / CHUNK - 1);
      res.end();
    } else if (req.url === '/api/v0/add') {
      received = 0;
      for await (const part of req) received += (part as Buffer).length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received }));
    } else if (req.url === '/ipfs/stalls') {
      res.writeHead(200);
      res.write(chunk); // then never ends: the client aborts
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such block');
    }
  }

  beforeAll(async () => {
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sink = await openSink(mode);
    trackedFetch = instrumentFetch({
      tracker: sink.recorder,
      rules: [
        { match: `${base}/api/v0/`, backend: 'kubo-rpc', type: 'ipfs' },
        { match: /\/ipfs\//, backend: 'gateway', type: 'ipfs' },
      ],
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sink.dispose();
  });

  beforeEach(() => {
    firstChunkSeen = () => {};
  });

  describe('instrumentFetch against a real node:http server', () => {
    it('counts a streamed 50 MiB response chunk by chunk, without buffering it', async () => {
      const res = await trackedFetch(`${base}/ipfs/big`);
      expect(res.url).toBe(`${base}/ipfs/big`);
      const reader = res.body!.getReader();
      const first = await reader.read();
      // The server holds back everything after its first chunk until we have read it: nothing was buffered.
      expect(first.value!.byteLength).toBeGreaterThan(0);
      expect(first.value!.byteLength).toBeLessThanOrEqual(CHUNK);
      expect(tally(await eventsOf(sink, 'gateway'))).toEqual({}); // recorded when the body ends
      firstChunkSeen();
      let total = first.value!.byteLength;
      let chunks = 1;
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        total += step.value.byteLength;
        chunks++;
      }
      expect(total).toBe(50 * MiB);
      expect(chunks).toBeGreaterThan(10);
      expect(tally(await eventsOf(sink, 'gateway'))).toEqual({
        bandwidth_download: { amount: 50 * MiB, count: 1, failed: 0 },
        api_calls: { amount: 1, count: 1, failed: 0 },
      });
    });

    it('counts upload bodies: bytes, a string, and a stream as it is sent', async () => {
      const r1 = await trackedFetch(`${base}/api/v0/add`, { method: 'POST', body: new Uint8Array(3000) });
      expect(await r1.json()).toEqual({ received: 3000 });
      const r2 = await trackedFetch(`${base}/api/v0/add`, { method: 'POST', body: 'héllo' });
      expect(await r2.json()).toEqual({ received: 6 });
      const parts = [new Uint8Array(1000), new Uint8Array(2345)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const r3 = await trackedFetch(`${base}/api/v0/add`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(await r3.json()).toEqual({ received: 3345 });
      const events = await eventsOf(sink, 'kubo-rpc');
      expect(events.filter((e) => e.resourceType === 'bandwidth_upload').map((e) => e.amount)).toEqual([3000, 6, 3345]);
      const responses = events.filter((e) => e.resourceType === 'bandwidth_download').map((e) => e.amount);
      expect(responses).toEqual([
        JSON.stringify({ received: 3000 }).length,
        JSON.stringify({ received: 6 }).length,
        JSON.stringify({ received: 3345 }).length,
      ]);
      const calls = events.filter((e) => e.resourceType === 'api_calls');
      expect(calls.map((e) => [e.success, e.path, e.metadata])).toEqual(
        Array(3).fill([true, '/api/v0/add', { method: 'POST', status: 200 }]),
      );
    });

    it('records an aborted request as one failed call with the bytes received before the abort', async () => {
      const controller = new AbortController();
      const res = await trackedFetch(`${base}/ipfs/stalls`, { signal: controller.signal });
      const reader = res.body!.getReader();
      let got = 0;
      while (got < CHUNK) {
        const step = await reader.read();
        got += step.value!.byteLength;
      }
      controller.abort();
      await expect(reader.read()).rejects.toThrow(/abort/i);
      const aborted = new AbortController();
      aborted.abort();
      await expect(trackedFetch(`${base}/ipfs/stalls`, { signal: aborted.signal })).rejects.toThrow(/abort/i);
      const events = (await eventsOf(sink, 'gateway')).slice(-3);
      expect(events.map((e) => [e.resourceType, e.amount, e.success])).toEqual([
        ['bandwidth_download', CHUNK, true],
        ['api_calls', 1, false],
        ['api_calls', 1, false],
      ]);
      expect(events[1]!.metadata).toEqual({ method: 'GET', status: 200, error: 'AbortError' });
      expect(events[2]!.metadata).toEqual({ method: 'GET', status: null, error: 'AbortError' });
      // The partial download belongs to the failed call (one operation id), so a reader groups them and
      // shows one failed operation; the bytes event itself stays a record of what moved.
      expect(byOperation(events).map((o) => o.resources)).toEqual([['bandwidth_download', 'api_calls'], ['api_calls']]);
    });

    it('records a cancelled body as a successful call with the bytes read before cancelling', async () => {
      const res = await trackedFetch(`${base}/ipfs/stalls`);
      const reader = res.body!.getReader();
      let got = 0;
      while (got < CHUNK) got += (await reader.read()).value!.byteLength;
      await reader.cancel();
      const events = (await eventsOf(sink, 'gateway')).slice(-2);
      expect(events.map((e) => [e.resourceType, e.amount, e.success])).toEqual([
        ['bandwidth_download', CHUNK, true],
        ['api_calls', 1, true],
      ]);
    });

    it('counts the streamed body of a Request object', async () => {
      const request = new Request(`${base}/api/v0/add`, {
        method: 'POST',
        body: new Blob([new Uint8Array(777)]).stream(),
        duplex: 'half',
      } as RequestInit);
      const res = await trackedFetch(request);
      expect(await res.json()).toEqual({ received: 777 });
      const uploads = (await eventsOf(sink, 'kubo-rpc')).filter((e) => e.resourceType === 'bandwidth_upload');
      expect(uploads.at(-1)!.amount).toBe(777);
    });

    it('records an HTTP error status as a failed call, and leaves unmatched URLs alone', async () => {
      const res = await trackedFetch(`${base}/ipfs/missing`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('no such block');
      const other = await trackedFetch(`${base}/elsewhere`);
      expect(await other.text()).toBe('no such block');
      const events = (await eventsOf(sink, 'gateway')).slice(-2);
      expect(events.map((e) => [e.resourceType, e.amount, e.success])).toEqual([
        ['bandwidth_download', 'no such block'.length, true],
        ['api_calls', 1, false],
      ]);
      const backends = await (await sink.settled()).getBackends();
      expect(backends.map((b) => b.name).sort()).toEqual(['gateway', 'kubo-rpc']);
    });

    it('refuses bad rules with a typed error', () => {
      expect(() => instrumentFetch({ rules: [{ match: 'x', backend: '', type: 'ipfs' }] })).toThrow(ValidationError);
      expect(() => instrumentFetch({ rules: [{ match: 3 as unknown as string, backend: 'a', type: 'ipfs' }] })).toThrow(
        /match/,
      );
    });
  });
});
