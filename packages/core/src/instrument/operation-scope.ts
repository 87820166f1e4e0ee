import { ValidationError } from '../errors.js';
import { assertBackendName, assertBackendType, centsToMicros } from '../event-rules.js';
import type { UsageRecorder } from '../recorder.js';
import { getDefaultRecorder } from '../recorder.js';
import type { BackendType, ResourceType } from '../vocabulary.js';
import { type InstrumentErrorHandler, safely, warnOnce } from './observe-call.js';

/** Several amounts under one operationId; success or failure is recorded once, when the scope ends. */
export interface OperationScope {
  readonly operationId: string;
  addBandwidthUpload(bytes: number, metadata?: Record<string, unknown>): void;
  addBandwidthDownload(bytes: number, metadata?: Record<string, unknown>): void;
  /** A signed change of stored bytes. */
  addStorageUsage(bytes: number, metadata?: Record<string, unknown>): void;
  addApiCall(metadata?: Record<string, unknown>): void;
  addCost(cents: number, metadata?: Record<string, unknown>): void;
  /** Marks the operation failed; the failure is recorded once, when the scope ends. */
  fail(error: unknown): void;
  /** Ends the scope (idempotent): a failed operation is recorded as one failed API call. */
  end(): void;
  /** Totals added so far per resource (cost in micro-dollars), and the time since the scope started. */
  getSummary(): { operationId: string; durationMs: number; resources: Partial<Record<ResourceType, number>> };
}

export interface OperationOptions {
  /** Where to record: any UsageRecorder (a local or a remote tracker); default getDefaultRecorder(). */
  tracker?: UsageRecorder;
  /** Told when recording the outcome fails; default one process warning. */
  onError?: InstrumentErrorHandler;
}

class Scope implements OperationScope, Disposable {
  // Web Crypto's randomUUID: the same in Node (>= 19) and browsers.
  readonly operationId = globalThis.crypto.randomUUID();
  private readonly startedAt = performance.now();
  private endedAt: number | null = null;
  private failure: { error: unknown } | null = null;
  private readonly totals: Partial<Record<ResourceType, number>> = {};

  constructor(
    private readonly backend: string,
    private readonly type: BackendType,
    private readonly name: string,
    private readonly tracker: UsageRecorder,
    private readonly onError: InstrumentErrorHandler,
  ) {}

  addBandwidthUpload(bytes: number, metadata?: Record<string, unknown>): void {
    this.open();
    this.tracker.trackBandwidthUpload(this.backend, this.type, bytes, this.options(metadata));
    this.add('bandwidth_upload', bytes);
  }

  addBandwidthDownload(bytes: number, metadata?: Record<string, unknown>): void {
    this.open();
    this.tracker.trackBandwidthDownload(this.backend, this.type, bytes, this.options(metadata));
    this.add('bandwidth_download', bytes);
  }

  addStorageUsage(bytes: number, metadata?: Record<string, unknown>): void {
    this.open();
    this.tracker.trackStorageUsage(this.backend, this.type, bytes, this.options(metadata));
    this.add('storage_used', bytes);
  }

  addApiCall(metadata?: Record<string, unknown>): void {
    this.open();
    this.tracker.trackApiCall(this.backend, this.type, this.options(metadata));
    this.add('api_calls', 1);
  }

  addCost(cents: number, metadata?: Record<string, unknown>): void {
    this.open();
    const micros = centsToMicros(cents);
    this.tracker.trackCost(this.backend, this.type, cents, this.options(metadata));
    this.add('operation_cost', micros);
  }

  fail(error: unknown): void {
    this.failure ??= { error };
  }

  end(): void {
    if (this.endedAt !== null) return;
    this.endedAt = performance.now();
    const failure = this.failure;
    if (!failure) return;
    safely(() => {
      const error = failure.error;
      this.tracker.trackApiCall(this.backend, this.type, {
        operationId: this.operationId,
        success: false,
        durationMs: (this.endedAt ?? 0) - this.startedAt,
        metadata: { operation: this.name, error: error instanceof Error ? error.name : typeof error },
      });
    }, this.onError);
  }

  [Symbol.dispose](): void {
    this.end();
  }

  getSummary() {
    return {
      operationId: this.operationId,
      durationMs: (this.endedAt ?? performance.now()) - this.startedAt,
      resources: { ...this.totals },
    };
  }

  private open() {
    if (this.endedAt !== null) {
      throw new ValidationError('INVALID_OPTION', `Operation "${this.name}" (${this.operationId}) has already ended.`);
    }
  }

  private options(metadata: Record<string, unknown> | undefined) {
    return { operationId: this.operationId, metadata: { operation: this.name, ...metadata } };
  }

  private add(resource: ResourceType, amount: number) {
    this.totals[resource] = (this.totals[resource] ?? 0) + amount;
  }
}

/**
 * Opens an operation scope; end it with `using` (or call `end()`). Inside `using`, call `op.fail(error)`
 * in a `catch` to record the operation as failed — a disposer cannot see the error.
 * @example
 * using op = startOperation('models', 'huggingface', 'download-model');
 * for (const file of files) op.addBandwidthDownload(await fetchFile(file));
 */
export function startOperation(
  backend: string,
  type: BackendType,
  name: string,
  opts: OperationOptions = {},
): OperationScope & Disposable {
  assertBackendName(backend);
  assertBackendType(type);
  return new Scope(backend, type, name, opts.tracker ?? getDefaultRecorder(), opts.onError ?? warnOnce);
}
