import { assertBackendName, assertBackendType } from '../event-rules.js';
import type { UsageRecorder } from '../recorder.js';
import { getDefaultRecorder } from '../recorder.js';
import type { BackendType } from '../vocabulary.js';
import { downloadBytesOf, uploadBytesOf } from './byte-length.js';
import { type CallObserver, type InstrumentErrorHandler, observeCall, warnOnce } from './observe-call.js';

/** Options shared by trackUpload, trackDownload, trackStorage and trackApi. */
export interface WrapperOptions {
  /** The amount to record from the call's arguments and result; wins over inference. */
  amount?: (args: unknown[], result: unknown) => number;
  /** Where to record: any UsageRecorder (a local or a remote tracker); default getDefaultRecorder(), resolved at call time. */
  tracker?: UsageRecorder;
  /** The file path, object key or CID the call works on, recorded with its events. */
  path?: (args: unknown[]) => string | undefined;
  /** Told when recording fails (bad amount, closed tracker, …); the call's outcome never changes. Default: one process warning. */
  onError?: InstrumentErrorHandler;
}

/**
 * Wraps a function, or decorates a class method (TC39 decorators, TypeScript 5), so that each call is
 * recorded; the replacement has the same signature, `this`, result and errors.
 */
export type Wrapper = <F extends (...args: any[]) => any>(fn: F, context?: ClassMethodDecoratorContext) => F;

export type WrapperKind = 'upload' | 'download' | 'storage' | 'api';

/** Raised to the `onError` handler when a successful call's amount cannot be inferred. */
export class AmountInferenceError extends Error {
  constructor(kind: WrapperKind, name: string) {
    super(
      `Could not infer the ${kind} amount of ${name || 'a wrapped function'}: pass a byte-like argument or result, or the \`amount\` option. Recorded as an API call.`,
    );
    this.name = 'AmountInferenceError';
  }
}

function inferAmount(kind: WrapperKind, opts: WrapperOptions, args: unknown[], result: unknown): number | undefined {
  if (opts.amount) return opts.amount(args, result);
  if (kind === 'upload') return uploadBytesOf(args);
  if (kind === 'download') return downloadBytesOf(result);
  if (kind === 'storage') return uploadBytesOf(args) ?? downloadBytesOf(result);
  return undefined;
}

/**
 * Builds the wrapper behind trackUpload/trackDownload/trackStorage/trackApi: one success event carrying
 * the amount, or one failed API call (never an amount of 0) when the call throws or rejects.
 */
export function makeWrapper(kind: WrapperKind, backend: string, type: BackendType, opts: WrapperOptions = {}): Wrapper {
  assertBackendName(backend);
  assertBackendType(type);
  const onError = opts.onError ?? warnOnce;
  return <F extends (...args: any[]) => any>(fn: F, context?: ClassMethodDecoratorContext): F => {
    if (typeof fn !== 'function') throw new TypeError('bytemeter wrappers take a function or decorate a method.');
    const name = context ? String(context.name) : fn.name;
    const observer: CallObserver<unknown> = {
      succeeded(result, args, startedAt) {
        const durationMs = performance.now() - startedAt;
        const tracker = opts.tracker ?? getDefaultRecorder();
        const path = opts.path?.(args);
        const amount = inferAmount(kind, opts, args, result);
        if (kind === 'api' && amount === undefined) {
          tracker.trackApiCall(backend, type, { durationMs, path });
        } else if (amount === undefined) {
          tracker.trackApiCall(backend, type, { durationMs, path });
          onError(new AmountInferenceError(kind, name));
        } else if (kind === 'upload') tracker.trackBandwidthUpload(backend, type, amount, { durationMs, path });
        else if (kind === 'download') tracker.trackBandwidthDownload(backend, type, amount, { durationMs, path });
        else if (kind === 'storage') tracker.trackStorageUsage(backend, type, amount, { durationMs, path });
        else {
          tracker.trackResourceUsage({
            backend,
            backendType: type,
            resourceType: 'api_calls',
            amount,
            durationMs,
            path,
          });
        }
      },
      failed(error, args, startedAt) {
        const tracker = opts.tracker ?? getDefaultRecorder();
        tracker.trackApiCall(backend, type, {
          success: false,
          durationMs: performance.now() - startedAt,
          path: opts.path?.(args),
          metadata: { operation: kind, function: name, error: errorName(error) },
        });
      },
    };
    function tracked(this: unknown, ...args: unknown[]): unknown {
      return observeCall(fn, this, args, observer, onError);
    }
    Object.defineProperty(tracked, 'name', { value: name });
    return tracked as F;
  };
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}
