import type { BackendType } from '../vocabulary.js';
import { observeCall, warnOnce } from './observe-call.js';
import { type OperationOptions, type OperationScope, startOperation } from './operation-scope.js';

/**
 * Runs `fn` as one operation: every amount it adds carries one operationId, and a throw or rejection is
 * recorded once, as a failed API call, then re-thrown unchanged.
 * @example
 * await trackOperation('pins', 'ipfs', 'pin-dataset', async (op) => {
 *   for (const block of blocks) { await put(block); op.addBandwidthUpload(block.byteLength); op.addApiCall(); }
 * });
 */
export async function trackOperation<T>(
  backend: string,
  type: BackendType,
  name: string,
  fn: (op: OperationScope) => T | Promise<T>,
  opts: OperationOptions = {},
): Promise<T> {
  const op = startOperation(backend, type, name, opts);
  return observeCall(
    fn,
    undefined,
    [op],
    {
      succeeded: () => op.end(),
      failed: (error) => {
        op.fail(error);
        op.end();
      },
    },
    opts.onError ?? warnOnce,
  );
}
