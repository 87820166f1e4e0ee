// AWS SDK v3 S3 client middleware: one line instruments every command of a client (S3, MinIO, Wasabi, R2, …).
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../errors.js';
import { assertBackendName, assertBackendType } from '../event-rules.js';
import { byteLengthOf } from '../instrument/byte-length.js';
import { type InstrumentErrorHandler, safely, warnOnce } from '../instrument/observe-call.js';
import { recordCall } from '../instrument/record-call.js';
import { s3CallClass } from '../pricing/call-class.js';
import type { UsageRecorder } from '../recorder.js';
import { getDefaultRecorder } from '../recorder.js';
import type { BackendType } from '../vocabulary.js';

export interface S3InstrumentOptions {
  /** Backend name the client's usage is recorded under, e.g. 'photos' or 'r2-eu'. */
  backend: string;
  /** Default 's3'. */
  type?: BackendType;
  /** Where to record: any UsageRecorder (a local or a remote tracker); default getDefaultRecorder(), resolved per command. */
  tracker?: UsageRecorder;
  /** Told when recording fails (e.g. a delete of an object stored before tracking began); default one warning. */
  onError?: InstrumentErrorHandler;
  /**
   * Look up (HeadObject) the size of the object a PutObject, CopyObject or CompleteMultipartUpload
   * replaces, so an overwrite changes storage by the difference. One more request per write; default false,
   * when every write counts as a new object.
   */
  exactOverwrites?: boolean;
}

const WIRE = 'bytemeterS3Wire';
const COMMAND = 'bytemeterS3Command';
/** Per-command byte counts, shared through the handler context between the two middlewares. */
const IO = Symbol('bytemeter.s3.io');

interface Io {
  up: number;
  /** Request bytes of the last attempt: the size of what a PutObject stored. */
  lastUp: number;
  down: number;
  status: number | undefined;
}
interface HttpRequestLike {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface HttpResponseLike {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
type Next = (args: { input: any; request?: unknown }) => Promise<{ output: any; response?: unknown }>;
type Middleware = (next: Next, context: Record<string | symbol, unknown>) => Next;
interface StackLike {
  add(mw: Middleware, options: { step: 'initialize'; name: string; priority: 'high'; override?: boolean }): void;
  addRelativeTo(mw: Middleware, options: { relation: 'after'; toMiddleware: string; name: string }): void;
  identify(): string[];
}
interface ObjectRef {
  Bucket?: string;
  Key?: string;
  VersionId?: string;
}

/** Payload bytes of a request: a byte-like body, else the decoded (aws-chunked) or plain Content-Length. */
function requestBytes(req: HttpRequestLike): number {
  const direct = byteLengthOf(req.body);
  if (direct !== undefined) return direct;
  const h = req.headers ?? {};
  const n = Number(h['x-amz-decoded-content-length'] ?? h['content-length'] ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Body bytes of a response: none for HEAD (its Content-Length describes the object), else Content-Length. */
function responseBytes(method: string | undefined, res: HttpResponseLike): number {
  if (method === 'HEAD') return 0;
  const header = res.headers?.['content-length'];
  if (header !== undefined) {
    const n = Number(header);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }
  return byteLengthOf(res.body) ?? 0;
}

/**
 * Instruments an AWS SDK v3 S3 client (works with S3-compatibles too). Per command it records one API
 * call (success or failure, latency), the request and response body bytes of every attempt, and storage
 * deltas: PutObject adds its size; CopyObject and CompleteMultipartUpload add the new object's size
 * (one HeadObject, as their responses do not say it); DeleteObject and DeleteObjects subtract the sizes a
 * HeadObject finds before deleting. Those HeadObject calls are real requests and are recorded as such.
 * An overwrite counts as a new object unless `exactOverwrites` is set. Returns the same client.
 * @example
 * const s3 = instrumentS3Client(new S3Client({ region: 'eu-west-1' }), { backend: 'photos' });
 * await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'cat.jpg', Body: bytes })); // counted
 */
export function instrumentS3Client<C extends S3Client>(client: C, options: S3InstrumentOptions): C {
  const { backend } = options;
  const type = options.type ?? 's3';
  assertBackendName(backend);
  assertBackendType(type);
  const stack = client.middlewareStack as unknown as StackLike;
  if (stack.identify().some((name) => name.startsWith(COMMAND))) {
    throw new ValidationError('INVALID_OPTION', 'This S3 client is already instrumented by bytemeter.');
  }
  const onError = options.onError ?? warnOnce;
  const tracker = () => options.tracker ?? getDefaultRecorder();

  const lookups = new WeakSet<object>();
  const head = async (ref: ObjectRef): Promise<number | null> => {
    const input = { Bucket: ref.Bucket, Key: ref.Key, ...(ref.VersionId ? { VersionId: ref.VersionId } : {}) };
    lookups.add(input);
    try {
      const out = await client.send(new HeadObjectCommand(input));
      return out.ContentLength ?? null;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404) onError(error);
      return null;
    }
  };

  // Innermost: sees each attempt's raw request and response (retries send the bytes again).
  const wire: Middleware = (next, context) => async (args) => {
    const io = context[IO] as Io | undefined;
    const req = (args.request ?? {}) as HttpRequestLike;
    const result = await next(args);
    if (io) {
      io.lastUp = requestBytes(req);
      io.up += io.lastUp;
      const res = (result.response ?? {}) as HttpResponseLike;
      io.down += responseBytes(req.method, res);
      io.status = res.statusCode;
    }
    return result;
  };

  // Outermost: one API call per command, its outcome and latency, and storage deltas.
  const command: Middleware = (next, context) => async (args) => {
    const name = String(context.commandName ?? 'Command').replace(/Command$/, '');
    // Every call is billed by its S3/R2 class, failed ones too (the provider bills the request).
    const apiClass = s3CallClass(name);
    const input = (args.input ?? {}) as ObjectRef & { Delete?: { Objects?: ObjectRef[] } };
    // Our own size lookups: a 404 there is an answer ("nothing to subtract"), not a failing backend.
    const lookup = lookups.has(input);
    const writes = name === 'PutObject' || name === 'CopyObject' || name === 'CompleteMultipartUpload';
    const sizesBefore = await sizesBeforeCommand(name, input, head, writes && options.exactOverwrites === true);
    const replaced = writes ? (sizesBefore.get(refKey({ Key: input.Key })) ?? 0) : 0;
    const io: Io = { up: 0, lastUp: 0, down: 0, status: undefined };
    context[IO] = io;
    const startedAt = performance.now();
    let output: { output: any };
    try {
      output = await next(args);
    } catch (error) {
      const durationMs = performance.now() - startedAt;
      // Our size lookup's 404 is an answer, recorded as a successful call; anything else a failed one.
      const sizeAnswer = lookup && io.status === 404;
      const metadata = sizeAnswer
        ? { command: name, status: 404, purpose: 'size' }
        : { command: name, status: io.status ?? null, error: (error as Error)?.name ?? typeof error };
      safely(() => {
        const call = { path: input.Key, durationMs, up: io.up, down: io.down, success: sizeAnswer, metadata, apiClass };
        recordCall(tracker(), backend, type, call, onError);
      }, onError);
      throw error;
    }
    const durationMs = performance.now() - startedAt;
    const stored = io.lastUp - replaced;
    safely(() => {
      const metadata = { command: name, status: io.status ?? null, ...(lookup ? { purpose: 'size' } : {}) };
      const storage = name === 'PutObject' ? [{ bytes: stored }] : [];
      const call = {
        path: input.Key,
        durationMs,
        up: io.up,
        down: io.down,
        storage,
        success: true,
        metadata,
        apiClass,
      };
      recordCall(tracker(), backend, type, call, onError);
    }, onError);
    if (name === 'CopyObject' || name === 'CompleteMultipartUpload') {
      const size = await head(input);
      const stored = (size ?? 0) - replaced;
      if (size !== null && stored !== 0) {
        safely(() => tracker().trackStorageUsage(backend, type, stored, { path: input.Key }), onError);
      }
    }
    if (!writes && sizesBefore.size > 0) {
      const deleted: ObjectRef[] =
        name === 'DeleteObject' ? [input] : ((output.output as { Deleted?: ObjectRef[] }).Deleted ?? []);
      for (const ref of deleted) {
        const size = sizesBefore.get(refKey(ref));
        if (size) safely(() => tracker().trackStorageUsage(backend, type, -size, { path: ref.Key }), onError);
      }
    }
    return output;
  };

  stack.add(command, { step: 'initialize', name: COMMAND, priority: 'high' });
  stack.addRelativeTo(wire, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: WIRE });
  return client;
}

const refKey = (ref: ObjectRef) => `${ref.Key ?? ''}\u0000${ref.VersionId ?? ''}`;

/** Sizes of the objects a command will remove or replace, looked up before it runs (8 at a time). */
async function sizesBeforeCommand(
  name: string,
  input: ObjectRef & { Delete?: { Objects?: ObjectRef[] } },
  head: (ref: ObjectRef) => Promise<number | null>,
  overwrite: boolean,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let refs: ObjectRef[] = [];
  if (overwrite) refs = [{ Bucket: input.Bucket, Key: input.Key }];
  else if (name === 'DeleteObject') refs = [input];
  else if (name === 'DeleteObjects') refs = (input.Delete?.Objects ?? []).map((o) => ({ ...o, Bucket: input.Bucket }));
  for (let i = 0; i < refs.length; i += 8) {
    const slice = refs.slice(i, i + 8);
    const found = await Promise.all(slice.map(head));
    slice.forEach((ref, j) => {
      const size = found[j];
      if (size) sizes.set(refKey(ref), size);
    });
  }
  return sizes;
}
