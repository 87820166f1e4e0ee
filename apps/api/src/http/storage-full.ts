import type { ResourceTracker } from '@bytemeter/tracker';

/**
 * The API's view of a full disk. Each episode (from the first SQLITE_FULL to the next write that works, as
 * the tracker's writeState() tracks it) is logged once, without a stack trace: a full disk under load
 * would otherwise print one per request. /healthz reads the same state.
 */
export class StorageFullWatch {
  private loggedEpisode: number | null | undefined;

  constructor(
    private readonly tracker: Pick<ResourceTracker, 'writeState'>,
    private readonly log: (line: string) => void = (line) => process.stderr.write(line),
  ) {}

  /** A request failed with STORAGE_FULL. */
  noteFailure(): void {
    const { storageFullSince, pending } = this.tracker.writeState();
    if (this.loggedEpisode !== undefined && this.loggedEpisode === storageFullSince) return;
    this.loggedEpisode = storageFullSince;
    this.log(
      `bytemeter api: the database is out of space (SQLITE_FULL); writes answer STORAGE_FULL (503, retryable) until space is freed (${pending} events pending). Logged once per episode.\n`,
    );
  }

  /** The body and status of /healthz: 200 `ok`, or 503 `storage_full` while writes fail for want of space. */
  health(): { status: number; body: Record<string, unknown> } {
    const state = this.tracker.writeState();
    if (!state.storageFull) return { status: 200, body: { status: 'ok' } };
    return {
      status: 503,
      body: {
        status: 'storage_full',
        storageFullSince: new Date(state.storageFullSince ?? Date.now()).toISOString(),
        pendingEvents: state.pending,
        droppedEvents: state.droppedTotal,
      },
    };
  }
}
