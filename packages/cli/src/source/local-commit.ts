import { isPostgresUrl, type ResourceTracker } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';

/** Codes of an event refused inside a committed batch: nothing of it is stored (bad input, exit 2). */
const REFUSED = new Set(['BACKEND_TYPE_CONFLICT', 'STORAGE_BELOW_ZERO', 'TOTAL_TOO_LARGE']);

/**
 * Writes the one event `bytemeter track` recorded (with idempotency key `id`) and closes the tracker;
 * resolves when the event is stored once, else throws what says whether it is.
 *
 * The answer follows what happened to the event, not which call returned an error: a flush whose write
 * fails leaves the event pending, and close() writes it again. Because the event carries an id, that retry
 * stores it once whatever the failed write did: written if it committed nothing, a duplicate if it committed
 * unheard (PostgreSQL, the connection broken after the COMMIT went out). So a retry that takes the event
 * means stored once (exit 0); an error that comes with it is housekeeping after the commit (retention).
 * Only when the failed write may have committed and the retry did not say which (it failed too, or refused
 * the event, which the first copy could have caused) is the outcome unknown (exit 5).
 */
export async function commitLocal(tracker: ResourceTracker, id: string | undefined): Promise<void> {
  try {
    await tracker.ready;
  } catch (error) {
    // The schema never became writable: nothing was sent, nothing stored.
    await tracker.close().catch(() => {});
    throw error;
  }
  const flushed = await tracker.flush();
  const failedWrite = tracker.pendingCount > 0 ? flushed.error : undefined;
  const closeError = await tracker.close().then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  if (flushed.written + flushed.duplicates > 0) return;
  if (failedWrite === undefined) {
    // Nothing was pending (the input was refused when recorded), or the flush refused the event.
    if (flushed.error) throw flushed.error;
    return;
  }
  const postgres = isPostgresUrl(tracker.path);
  const mayHaveCommitted = (error: Error) => postgres && !knownUnsent(error);
  if (tracker.pendingCount === 0) {
    // close() took the event: written or a duplicate (stored once), or refused.
    if (closeError && REFUSED.has((closeError as { code?: string }).code ?? '')) {
      throw mayHaveCommitted(failedWrite) ? unknownOutcome(failedWrite, id) : closeError;
    }
    return;
  }
  if (mayHaveCommitted(failedWrite) || (closeError && mayHaveCommitted(closeError))) {
    throw unknownOutcome(failedWrite, id);
  }
  throw new CliError(
    `The event was not stored: ${(closeError ?? failedWrite).message} Nothing was written, so running the command again records it once.`,
    EXIT.FAILURE,
  );
}

/**
 * A failed PostgreSQL write that is known to have committed nothing: an error the server answered with
 * (a SQLSTATE, except connection exceptions 08, shutdown 57P0x and 40003 statement_completion_unknown), or
 * a connection that was never made. Anything else (a socket or TLS error, "Connection terminated", a
 * timeout) may have come after the COMMIT went out.
 */
function knownUnsent(error: Error): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string') return false;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return true;
  // The server's own answer (pg's DatabaseError carries its severity); a Node error code never has one.
  return typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P0|40003)/.test(code);
}

function unknownOutcome(error: Error, id: string | undefined): CliError {
  const again =
    id === undefined
      ? 'Check with `bytemeter details` before recording it again.'
      : `It was recorded with --id ${id}: run the same command again with --id ${id}, and a copy already stored is counted as a duplicate, not twice (within the dedupe window, 7 days by default).`;
  return new CliError(
    `Whether the event was stored is unknown: the connection to PostgreSQL broke while it was being written (${error.message}), so the database may have committed it. ${again}`,
    EXIT.UNKNOWN,
  );
}
