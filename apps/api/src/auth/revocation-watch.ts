import type { TokenStore } from '@bytemeter/tracker';

/**
 * How often open streams re-check their token: the revocation bound of a stream is one interval plus a
 * read, on every replica (each reads the shared token table itself).
 */
export const REVOCATION_POLL_MS = 250;

/** What the watch reads: the active tokens (a handful of rows, from any process's commits). */
export type TokenList = Pick<TokenStore, 'list'>;

interface Watcher {
  tokenId: number | null;
  onRevoked: () => void;
}

/**
 * Ends what was authorised by a token once that token is revoked. A request is checked once, when it
 * arrives; a subscription (SSE stream, WebSocket) lives on, so it is registered here and its token is
 * re-read every REVOCATION_POLL_MS from the database (a revoke by `bytemeter token revoke` in another
 * process is a commit like any other). Open access (tokenId null, loopback with no tokens) ends when a
 * token first exists, or at once under `requireToken`.
 *
 * The timer runs only while something is watched, and never keeps the process alive.
 * @example const unwatch = watch.watch(auth.tokenId, () => socket.close(4403, 'Forbidden'))
 */
export class RevocationWatch {
  private readonly watchers = new Set<Watcher>();
  private timer: NodeJS.Timeout | undefined;
  /** The check in progress: ticks while one runs are skipped, and check() callers wait for it. */
  private checking: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly requireToken: boolean;

  constructor(
    private readonly tokens: TokenList,
    options: { intervalMs?: number; requireToken?: boolean } = {},
  ) {
    this.intervalMs = options.intervalMs ?? REVOCATION_POLL_MS;
    this.requireToken = options.requireToken ?? false;
  }

  /** Calls `onRevoked` once when `tokenId` stops being active; returns the function that stops watching. */
  watch(tokenId: number | null, onRevoked: () => void): () => void {
    const watcher: Watcher = { tokenId, onRevoked };
    this.watchers.add(watcher);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
    return () => this.remove(watcher);
  }

  /** How many streams and sockets are watched (for tests and shutdown). */
  get size(): number {
    return this.watchers.size;
  }

  /** Re-reads the active tokens now and ends whatever lost its token. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    if (this.watchers.size === 0) return;
    let active: Set<number>;
    try {
      active = new Set((await this.tokens.list()).filter((t) => t.revokedAt === null).map((t) => t.id));
    } catch (error) {
      // A closed or busy database: keep the streams and try again at the next tick, rather than crash.
      process.stderr.write(`bytemeter api: token check failed: ${(error as Error)?.message ?? String(error)}\n`);
      return;
    }
    // In insertion order, so a WebSocket (registered at connect) closes before its own streams end.
    for (const watcher of [...this.watchers]) {
      const revoked = watcher.tokenId === null ? this.requireToken || active.size > 0 : !active.has(watcher.tokenId);
      if (!revoked) continue;
      this.remove(watcher);
      watcher.onRevoked();
    }
  }

  /** Stops the timer; watchers are dropped without being called (the server is closing them anyway). */
  close(): void {
    this.watchers.clear();
    this.stop();
  }

  private remove(watcher: Watcher): void {
    this.watchers.delete(watcher);
    if (this.watchers.size === 0) this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
