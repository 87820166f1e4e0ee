/** What the core tells an observer about one call of a wrapped function. */
export interface CallObserver<R> {
  /** The call with `args` returned (or its promise fulfilled) with `result`. */
  succeeded(result: R, args: unknown[], startedAt: number): void;
  /** The call with `args` threw (or its promise rejected) with `error`. */
  failed(error: unknown, args: unknown[], startedAt: number): void;
}

/** Reports a failure of the instrumentation itself; it must never reach the wrapped function's caller. */
export type InstrumentErrorHandler = (error: unknown) => void;

let warned = false;

/** The default handler: one process warning (not one per call), so a broken setup is seen but never fatal. */
export const warnOnce: InstrumentErrorHandler = (error) => {
  if (warned) return;
  warned = true;
  const message = error instanceof Error ? error.message : String(error);
  const text = `bytemeter could not record a call: ${message}`;
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(text, { code: 'BYTEMETER_INSTRUMENT' });
  } else console.warn(text);
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` and tells `observer` how it ended, in one place for every wrapper: a sync call stays sync
 * (its result or throw comes back as is), a thenable is followed to its end, and the original error is
 * re-thrown unchanged. A throw from the observer goes to `onError` and never replaces the call's outcome.
 * The observer is told the arguments, so one observer object serves every call (no allocation per call).
 * A thenable result comes back as a promise of the same outcome (so a lazy thenable, e.g. a query builder, starts).
 * @example observeCall(fs.readFileSync, fs, ['a.txt'], observer, warnOnce)
 */
export function observeCall<R>(
  fn: (...args: any[]) => R,
  thisArg: unknown,
  args: unknown[],
  observer: CallObserver<Awaited<R>>,
  onError: InstrumentErrorHandler,
): R {
  const startedAt = performance.now();
  let result: R;
  try {
    result = fn.apply(thisArg, args);
  } catch (error) {
    safely(() => observer.failed(error, args, startedAt), onError);
    throw error;
  }
  if (!isThenable(result)) {
    safely(() => observer.succeeded(result as Awaited<R>, args, startedAt), onError);
    return result;
  }
  // A native promise stays a promise; another thenable is adopted by one (what `await` would do anyway).
  return Promise.resolve(result).then(
    (value) => {
      safely(() => observer.succeeded(value as Awaited<R>, args, startedAt), onError);
      return value;
    },
    (error: unknown) => {
      safely(() => observer.failed(error, args, startedAt), onError);
      throw error;
    },
  ) as R;
}

/** Runs a recording step so that a throw in it goes to `onError`, never to the caller. */
export function safely(record: () => void, onError: InstrumentErrorHandler): void {
  try {
    record();
  } catch (error) {
    try {
      onError(error);
    } catch {
      // The handler itself failed; the wrapped call's outcome still wins.
    }
  }
}
