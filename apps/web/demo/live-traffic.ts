// Live traffic through the real instrumentation: an S3-compatible server (s3rver) behind the AWS SDK with
// bytemeter's middleware, and a local directory through bytemeter's fs wrapper.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ResourceTracker, trackApi } from '@bytemeter/tracker';
import { instrumentFs } from '@bytemeter/tracker/fs';
import { instrumentS3Client } from '@bytemeter/tracker/s3';
import S3rver from 's3rver';

const BUCKET = 'demo-media';

export interface LiveTraffic {
  /** Stops the loop and the S3 server and removes their files. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver on a free port and a loop that, every `everyMs`, puts or gets an object on it (media-s3)
 * and writes, reads or deletes a file in a temp directory (scratch-disk); about one get in twenty asks for
 * a missing key, so failures show up as they would; every third step pins on ipfs-pins (a stand-in
 * service behind the trackApi wrapper that fails in spells).
 * @example const live = await startLiveTraffic(tracker); …; await live.stop();
 */
export async function startLiveTraffic(tracker: ResourceTracker, everyMs = 400): Promise<LiveTraffic> {
  const s3Dir = mkdtempSync(join(tmpdir(), 'bytemeter-demo-s3-'));
  const diskDir = mkdtempSync(join(tmpdir(), 'bytemeter-demo-disk-'));
  // However the process ends (Ctrl-C, an error, process.exit), its temporary folders go with it.
  const removeDirs = () => {
    rmSync(s3Dir, { recursive: true, force: true });
    rmSync(diskDir, { recursive: true, force: true });
  };
  process.once('exit', removeDirs);
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = (await server.run()) as unknown as { port: number };
  const s3 = instrumentS3Client(
    new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      maxAttempts: 1,
    }),
    { backend: 'media-s3', tracker },
  );
  const disk = instrumentFs({ backend: 'scratch-disk', tracker });
  // A pinning service stand-in (no IPFS daemon here) behind the real trackApi wrapper. It fails in
  // spells, so the overview shows ipfs-pins turning degraded or unhealthy and recovering.
  const pin = trackApi('ipfs-pins', 'ipfs', { tracker })(async (cid: string) => {
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    const spell = Math.floor(Date.now() / 90_000) % 3 === 2;
    if (Math.random() < (spell ? 0.5 : 0.02)) throw new Error(`pin ${cid}: gateway timeout`);
    return cid;
  });
  const keys: string[] = [];
  const files: string[] = [];
  let n = 0;
  let running = true;

  const step = async () => {
    n++;
    if (keys.length < 5 || Math.random() < 0.4) {
      const key = `live/${n}.bin`;
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: Buffer.alloc(200_000 + Math.floor(Math.random() * 1_800_000), n),
        }),
      );
      keys.push(key);
      // Keep the bucket small (it grew by ~1 GB in 16 minutes): the oldest object goes past 30.
      if (keys.length > 30) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys.shift()! }));
    } else {
      const key = Math.random() < 0.05 ? 'live/missing.bin' : keys[Math.floor(Math.random() * keys.length)]!;
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).catch(() => null);
      await got?.Body?.transformToByteArray();
    }
    if (n % 3 === 0) await pin(`bafy${n.toString(36)}`).catch(() => undefined);
    const r = Math.random();
    if (files.length > 30 || (r < 0.2 && files.length > 0)) {
      await disk.rm(files.shift()!);
    } else if (r < 0.6 || files.length === 0) {
      const file = join(diskDir, `f${n}.dat`);
      await disk.writeFile(file, Buffer.alloc(50_000 + Math.floor(Math.random() * 400_000), n));
      files.push(file);
    } else {
      await disk.readFile(files[Math.floor(Math.random() * files.length)]!);
    }
  };

  const loop = (async () => {
    while (running) {
      await step().catch((error: unknown) => {
        // A step cut off by Ctrl-C is not worth a message.
        if (running) console.error(`demo traffic: ${(error as Error).message}`);
      });
      await new Promise((resolve) => setTimeout(resolve, everyMs * (0.5 + Math.random())));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      s3.destroy();
      await server.close();
      removeDirs();
    },
  };
}
