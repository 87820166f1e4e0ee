import type { ResourceTracker } from '@bytemeter/tracker';
import { CliError, EXIT } from '../cli-error.js';

/** Codes of an event refused inside a committed batch: nothing of it is stored (bad input, exit 2 or 1). */
const REFUSED = new Set(['BACKEND_TYPE_CONFLICT', 'STORAGE_BELOW_ZERO', 'TOTAL_TOO_LARGE']);

/**
 * Writes the one event `bytemeter track` recorded and closes the tracker; resolves when the event is stored
 * (written, or a duplicate of one stored with the same --id), else throws what says whether it is.
 *
 * The answer follows what happened to the event, not which call returned an error: a flush whose write
 * fails leaves the event pending, and close() writes it again. Throwing the flush's error then would tell
 * the user a stored event failed, and running the command again would count it twice. So: the flush's
 * counts say whether it stored the event; if its write failed, whether close() took the event (written,
 * or refused with a typed error) or left it pending says the rest. An error that comes with a stored event
 * is housekeeping after the commit (retention), not the event's. When the write that failed was on
 * PostgreSQL and the connection broke under it, the database may have committed it unheard: the outcome
 * is unknown, and the error says so (exit 5) instead of inviting a retry that could count it twice.
 */
export async function commitLocal(tracker: ResourceTracker): Promise<void> {
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
  const postgres = tracker.path.startsWith('postgres');
  if (tracker.pendingCount === 0) {
    // close() took the event: refused, or written (after the flush's write failed, so the first attempt
    // may have committed unheard on PostgreSQL, which would make this one a second copy).
    if (closeError && REFUSED.has((closeError as { code?: string }).code ?? '')) throw closeError;
    if (postgres && connectionLost(failedWrite)) throw mayBeTwice(failedWrite);
    return;
  }
  const last = closeError ?? failedWrite;
  if (postgres && (connectionLost(failedWrite) || connectionLost(last))) throw unknownOutcome(last);
  throw new CliError(
    `The event was not stored: ${last.message} Nothing was written, so running the command again records it once.`,
    EXIT.FAILURE,
  );
}

/**
 * The connection to PostgreSQL broke while a write was under way (no SQLSTATE from the server, a
 * connection exception, the server shutting down, or 40003 statement_completion_unknown): the COMMIT may
 * have reached the server. A refused connection sent nothing.
 */
function connectionLost(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return true;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|57P0|40003)/.test(code);
  // A BytemeterError's code names a refusal decided before the write; a Node socket error (ECONNRESET,
  // EPIPE, ETIMEDOUT) broke the connection.
  return /^E[A-Z]+$/.test(code);
}

function unknownOutcome(error: Error): CliError {
  return new CliError(
    `Whether the event was stored is unknown: the connection to PostgreSQL broke while it was being written (${error.message}), so the database may have committed it. Check with \`bytemeter details\` before recording it again, or record it with --id, so that a second copy is counted as a duplicate.`,
    EXIT.UNKNOWN,
  );
}

function mayBeTwice(error: Error): CliError {
  return new CliError(
    `The event was stored, but an earlier attempt to write it broke with the connection to PostgreSQL (${error.message}) and may have committed it too: check with \`bytemeter details\` whether it is counted twice. Do not record it again.`,
    EXIT.UNKNOWN,
  );
}
