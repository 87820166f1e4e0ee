import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ResourceType } from '@bytemeter/core';
import { instrumentS3Client } from '@bytemeter/core/s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byOperation, eventsOf, MODES, openSink, type Sink, tally } from '../support/sink.js';
import { startCountingProxy } from './counting-proxy.js';

// The adapter's tests, run once into a local tracker and once through a RemoteTracker to a real API
// process, with the same exact expectations: the adapter does not know or care where it records.
describe.each(MODES)('recording into a %s tracker', (mode) => {
  const BUCKET = 'bytemeter-test';
  const MiB = 1024 * 1024;
  let dir: string;
  let server: S3rver;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let sink: Sink;
  let s3: S3Client;
  const reported: unknown[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bytemeter-s3rver-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      directory: dir,
      silent: true,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const { port } = (await server.run()) as unknown as { port: number };
    proxy = await startCountingProxy(port);
    sink = await openSink(mode);
    s3 = instrumentS3Client(
      new S3Client({
        endpoint: proxy.url,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        maxAttempts: 1,
      }),
      { backend: 'minio-like', tracker: sink.recorder, onError: (e) => reported.push(e) },
    );
  });

  afterAll(async () => {
    s3?.destroy();
    await proxy?.close();
    await server?.close();
    await sink?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => proxy.reset());

  type Tally = ReturnType<typeof tally>;
  let before: Tally = {};
  async function changeSinceLastCheck(): Promise<Record<string, { amount: number; count: number; failed: number }>> {
    const now = tally(await eventsOf(sink, 'minio-like'));
    const out: Record<string, { amount: number; count: number; failed: number }> = {};
    for (const r of Object.keys(now) as ResourceType[]) {
      const a = now[r]!;
      const b = before[r] ?? { amount: 0, count: 0, failed: 0 };
      if (a.count !== b.count)
        out[r] = { amount: a.amount - b.amount, count: a.count - b.count, failed: a.failed - b.failed };
    }
    before = now;
    return out;
  }
  const storageLevel = async () =>
    (await (await sink.settled()).getBackendStatus('minio-like'))['minio-like']!.currentStorageUsageBytes;

  describe('instrumentS3Client against a real S3-compatible server (s3rver)', () => {
    const body = new Uint8Array(5 * MiB).map((_, i) => i % 251);

    it('a 5 MiB put: one call, exactly the bytes on the wire, and +5 MiB stored', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big.bin', Body: body }));
      expect(proxy.counts.requests).toEqual([`PUT /${BUCKET}/big.bin?x-id=PutObject`]);
      expect(proxy.counts.up).toBe(5 * MiB);
      const change = await changeSinceLastCheck();
      expect(change).toEqual({
        api_calls: { amount: 1, count: 1, failed: 0 },
        bandwidth_upload: { amount: proxy.counts.up, count: 1, failed: 0 },
        storage_used: { amount: 5 * MiB, count: 1, failed: 0 },
        ...(proxy.counts.down > 0 ? { bandwidth_download: { amount: proxy.counts.down, count: 1, failed: 0 } } : {}),
      });
      expect(await storageLevel()).toBe(5 * MiB);
      const [call] = (await eventsOf(sink, 'minio-like')).filter((e) => e.resourceType === 'api_calls');
      expect(call).toMatchObject({ path: 'big.bin', success: true, metadata: { command: 'PutObject', status: 200 } });
      expect(call!.durationMs).not.toBeNull();
      // The put's bytes, stored-bytes change and call are one operation: one compact id on all three.
      const put = byOperation(await eventsOf(sink, 'minio-like'));
      expect(put.map((o) => o.resources.sort())).toEqual([
        [
          'api_calls',
          'bandwidth_upload',
          'storage_used',
          ...(proxy.counts.down > 0 ? ['bandwidth_download'] : []),
        ].sort(),
      ]);
      expect(put[0]!.operationId).toMatch(/^[0-9a-f]{32}$/);
    });

    it('a get: the streamed body is the download, byte for byte', async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
      const bytes = await out.Body!.transformToByteArray();
      expect(Buffer.from(bytes).equals(body)).toBe(true);
      expect(proxy.counts.down).toBe(5 * MiB);
      expect(await changeSinceLastCheck()).toEqual({
        api_calls: { amount: 1, count: 1, failed: 0 },
        bandwidth_download: { amount: 5 * MiB, count: 1, failed: 0 },
      });
      const [put, get] = byOperation(await eventsOf(sink, 'minio-like'));
      expect(get!.resources).toEqual(['bandwidth_download', 'api_calls']);
      expect(get!.operationId).not.toBe(put!.operationId);
    });

    it('a multipart upload: every part uploaded, one HeadObject to learn the size, and the object stored once', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi.bin' }));
      const p1 = await s3.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: 'multi.bin', UploadId, PartNumber: 1, Body: body }),
      );
      const p2 = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'multi.bin',
          UploadId,
          PartNumber: 2,
          Body: body.subarray(0, 1000),
        }),
      );
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'multi.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      );
      expect(proxy.counts.requests.map((r) => r.split(' ')[0])).toEqual(['POST', 'PUT', 'PUT', 'POST', 'HEAD']);
      const change = await changeSinceLastCheck();
      expect(change.api_calls).toEqual({ amount: 5, count: 5, failed: 0 });
      expect(change.bandwidth_upload?.amount).toBe(proxy.counts.up);
      expect(proxy.counts.up).toBeGreaterThan(5 * MiB + 1000); // the parts plus the completion XML
      expect(change.bandwidth_download?.amount).toBe(proxy.counts.down);
      expect(change.storage_used).toEqual({ amount: 5 * MiB + 1000, count: 1, failed: 0 });
      expect(await storageLevel()).toBe(10 * MiB + 1000);
    });

    it('deletes: sizes from a HeadObject before each delete, subtracted once the delete succeeds', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
      expect(proxy.counts.requests.map((r) => r.split(' ')[0])).toEqual(['HEAD', 'DELETE']);
      expect(await changeSinceLastCheck()).toEqual({
        api_calls: { amount: 2, count: 2, failed: 0 },
        storage_used: { amount: -5 * MiB, count: 1, failed: 0 },
        ...(proxy.counts.down > 0 ? { bandwidth_download: { amount: proxy.counts.down, count: 1, failed: 0 } } : {}),
      });
      expect(await storageLevel()).toBe(5 * MiB + 1000);
      proxy.reset();
      await s3.send(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'multi.bin' }, { Key: 'never-was' }] } }),
      );
      expect(proxy.counts.requests.map((r) => r.split(' ')[0])).toEqual(['HEAD', 'HEAD', 'POST']);
      const change = await changeSinceLastCheck();
      expect(change.api_calls).toEqual({ amount: 3, count: 3, failed: 0 });
      expect(change.storage_used).toEqual({ amount: -(5 * MiB + 1000), count: 1, failed: 0 });
      expect(change.bandwidth_upload?.amount).toBe(proxy.counts.up);
      expect(change.bandwidth_download?.amount).toBe(proxy.counts.down);
      expect(await storageLevel()).toBe(0);
    });

    it('a list: one call and exactly the XML bytes received', async () => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a.txt', Body: 'hello' }));
      await changeSinceLastCheck();
      proxy.reset();
      const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect(list.Contents?.map((c) => c.Key)).toEqual(['a.txt']);
      expect(proxy.counts.down).toBeGreaterThan(100);
      expect(await changeSinceLastCheck()).toEqual({
        api_calls: { amount: 1, count: 1, failed: 0 },
        bandwidth_download: { amount: proxy.counts.down, count: 1, failed: 0 },
      });
    });

    it('a failing request: one failed API call that feeds health, the error unchanged, no storage change', async () => {
      const error = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing' })).catch((e: unknown) => e);
      expect((error as Error).name).toBe('NoSuchKey');
      expect(await changeSinceLastCheck()).toEqual({
        api_calls: { amount: 1, count: 1, failed: 1 },
        bandwidth_download: { amount: proxy.counts.down, count: 1, failed: 0 },
      });
      const events = await eventsOf(sink, 'minio-like');
      expect(events.at(-1)).toMatchObject({
        resourceType: 'api_calls',
        success: false,
        path: 'missing',
        metadata: { command: 'GetObject', status: 404, error: 'NoSuchKey' },
      });
      const status = (await (await sink.settled()).getBackendStatus('minio-like'))['minio-like']!;
      expect(status.consecutiveFailures).toBeGreaterThan(0);
      expect(status.errorRate).toBeGreaterThan(0);
      expect(reported).toEqual([]);
    });

    it('exactOverwrites: a HeadObject before each write, so an overwrite stores the difference', async () => {
      const exact = instrumentS3Client(
        new S3Client({
          endpoint: proxy.url,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }),
        { backend: 'exact', tracker: sink.recorder, exactOverwrites: true },
      );
      try {
        await exact.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'o.bin', Body: new Uint8Array(4000) }));
        await exact.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'o.bin', Body: new Uint8Array(1500) }));
        await exact.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'o.bin', CopySource: `${BUCKET}/a.txt` }));
        expect(proxy.counts.requests.map((r) => r.split(' ')[0])).toEqual([
          'HEAD',
          'PUT',
          'HEAD',
          'PUT',
          'HEAD',
          'PUT',
          'HEAD',
        ]);
        const stored = (await eventsOf(sink, 'exact')).filter((e) => e.resourceType === 'storage_used');
        expect(stored.map((e) => e.amount)).toEqual([4000, -2500, 5 - 1500]);
        expect((await (await sink.settled()).getBackendStatus('exact')).exact!.currentStorageUsageBytes).toBe(5);
      } finally {
        exact.destroy();
      }
    });

    it('tags every command with its S3/R2 price class, so a plan prices each class', async () => {
      const classed = instrumentS3Client(
        new S3Client({
          endpoint: proxy.url,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }),
        { backend: 'classed', tracker: sink.recorder },
      );
      const from = new Date(Date.now() - 1000);
      try {
        await classed.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'c.bin', Body: new Uint8Array(10) })); // A
        await (await classed.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'c.bin' }))).Body?.transformToByteArray(); // B
        await classed.send(new ListObjectsV2Command({ Bucket: BUCKET })); // A
        await classed.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'c.bin' })); // HEAD (B) for the size, then free
      } finally {
        classed.destroy();
      }
      const reader = await sink.settled();
      await reader.setPricePlan({
        backend: 'classed',
        prices: ['api_calls_class_a', 'api_calls_class_b', 'api_calls_unclassified'].map((resource) => ({
          resource: resource as 'api_calls_class_a',
          tiers: [{ pricePerUnit: '1' }],
        })),
      });
      const costs = await reader.getCosts({ backend: 'classed', from, to: new Date(Date.now() + 1) });
      expect(costs.backends[0]?.resources.map((r) => [r.resource, r.units])).toEqual([
        ['api_calls_class_a', 2],
        ['api_calls_class_b', 2],
        ['api_calls_unclassified', 0],
      ]);
      expect(tally(await eventsOf(sink, 'classed')).api_calls?.count).toBe(5);
    });

    it('refuses to instrument a client twice', () => {
      expect(() => instrumentS3Client(s3, { backend: 'minio-like', tracker: sink.recorder })).toThrow(
        /already instrumented/,
      );
    });
  });
});
