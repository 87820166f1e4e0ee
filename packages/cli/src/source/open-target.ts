import type { Target } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { commitLocal } from './local-commit.js';
import type { UsageReader, UsageWriter } from './usage-reader.js';

export interface OpenedReader {
  reader: UsageReader;
  /** Where the numbers come from, for messages: the database path or the server URL. */
  where: string;
  close(): Promise<void>;
}

/**
 * The local database (localDatabase) as tracker options: a postgres:// URL names a PostgreSQL database,
 * anything else a SQLite file, whatever the process's $BYTEMETER_DATABASE_URL says.
 * @example openResourceTracker({ ...(await databaseOptions('postgres://postgres@127.0.0.1/usage')) })
 */
export async function databaseOptions(
  db: string | undefined,
): Promise<{ path?: string; databaseUrl?: string; databaseFromEnv?: false }> {
  if (!db) return {};
  const { isPostgresUrl } = await import('@bytemeter/tracker');
  return { ...(isPostgresUrl(db) ? { databaseUrl: db } : { path: db }), databaseFromEnv: false };
}

/**
 * The local database (default) or, with an endpoint, the server. The client is imported only on the remote
 * path, so local commands load nothing of GraphQL.
 */
export async function openReader(target: Target, clock: () => number = Date.now): Promise<OpenedReader> {
  if (target.endpoint) {
    const [{ createBytemeterClient }, { remoteReader }] = await Promise.all([
      import('@bytemeter/client'),
      import('./remote-reader.js'),
    ]);
    const client = createBytemeterClient({ url: target.endpoint, ...(target.token ? { token: target.token } : {}) });
    return { reader: remoteReader(client, clock), where: target.endpoint, close: () => client.close() };
  }
  const { openResourceTracker } = await import('@bytemeter/tracker');
  const tracker = openResourceTracker({ ...(await databaseOptions(target.db)), flushOnExit: false, clock });
  await tracker.ready;
  return { reader: tracker, where: tracker.path, close: () => tracker.close() };
}

export interface OpenedWriter {
  writer: UsageWriter;
  where: string;
}

/** The tracker on the local database, or a remote tracker sending to the server. */
export async function openWriter(target: Target): Promise<OpenedWriter> {
  if (target.endpoint) {
    const { createRemoteTracker } = await import('@bytemeter/client');
    const refused: Error[] = [];
    const tracker = createRemoteTracker({
      url: target.endpoint,
      ...(target.token ? { token: target.token } : {}),
      flushIntervalMs: 60_000,
      onError: (error) => {
        if (error.name === 'EventsDroppedError') refused.push(error);
      },
    });
    const writer = writerOf(tracker, {
      async commit() {
        const result = await tracker.flush();
        await tracker.close({ timeoutMs: 1 });
        if (result.pending > 0) throw result.error ?? new CliError('The server did not store the event.', EXIT.FAILURE);
        if (refused.length > 0) throw new CliError(`The server refused the event: ${refused[0]!.message}`);
      },
    });
    return { writer, where: target.endpoint };
  }
  const { openResourceTracker } = await import('@bytemeter/tracker');
  // No interval flush: commit()'s own flush must be the write it judges (a background write that broke
  // unheard would leave that flush failing with ECONNREFUSED and be taken for "nothing sent").
  const tracker = openResourceTracker({
    ...(await databaseOptions(target.db)),
    flushOnExit: false,
    flushIntervalMs: 2_147_483_647,
  });
  const writer = writerOf(tracker, { commit: (id) => commitLocal(tracker, id) });
  return { writer, where: tracker.path };
}

type Recorder = Omit<UsageWriter, 'commit'>;

/** The recording methods of either tracker, bound to it, plus how to commit. */
function writerOf(t: Recorder, extra: Pick<UsageWriter, 'commit'>): UsageWriter {
  return {
    trackBandwidthUpload: (...a) => t.trackBandwidthUpload(...a),
    trackBandwidthDownload: (...a) => t.trackBandwidthDownload(...a),
    trackStorageUsage: (...a) => t.trackStorageUsage(...a),
    setStorageLevel: (...a) => t.setStorageLevel(...a),
    trackApiCall: (...a) => t.trackApiCall(...a),
    trackCost: (...a) => t.trackCost(...a),
    commit: extra.commit,
  };
}
