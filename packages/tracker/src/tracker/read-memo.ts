import type BetterSqlite3 from 'better-sqlite3';

/** How many answers a memo keeps (a dashboard asks a handful of distinct questions). */
const MAX_ANSWERS = 64;

/**
 * A number that changes whenever the data a read sees may have changed, or null when that cannot be told
 * cheaply (then nothing is memoised).
 */
export type DataVersion = () => string | null;

/**
 * The data version of a SQLite connection: `data_version` changes when another connection (another
 * process, the CLI, an exit write) commits; `total_changes()` counts this connection's own row changes.
 * Both only grow, so an answer stored under one version is never served again once either moved.
 */
export function sqliteDataVersion(sqlite: BetterSqlite3.Database): DataVersion {
  let probe: BetterSqlite3.Statement<[], [number, number]> | undefined;
  return () => {
    probe ??= sqlite
      .prepare<[], [number, number]>('select data_version, total_changes() from pragma_data_version')
      .raw();
    const row = probe.get();
    return row === undefined ? null : `${row[0]}:${row[1]}`;
  };
}

/**
 * Answers of reads kept while the database is unchanged: when many viewers ask the same question between
 * two flushes, it is read once. Exact, not a TTL: the version is read after pending events are written
 * and before the read, so an answer is served only while no commit of any connection came after the one
 * it saw. Callers get a copy, so changing an answer never changes the next one.
 */
export class ReadMemo {
  private version: string | null = null;
  private readonly answers = new Map<string, unknown>();

  constructor(private readonly dataVersion: DataVersion | undefined) {}

  /**
   * The answer for `key` (which must name everything the read depends on but the data), from `read` or,
   * when the data has not changed since it was read, from memory.
   */
  async get<T>(key: string, read: () => Promise<T>, copy: (answer: T) => T): Promise<T> {
    const version = this.dataVersion?.() ?? null;
    if (version === null) return read();
    if (version !== this.version) {
      this.answers.clear();
      this.version = version;
    } else {
      const known = this.answers.get(key) as T | undefined;
      if (known !== undefined) return copy(known);
    }
    const answer = await read();
    // A commit may have come while the read was awaited: then the answer is newer than `version` claims,
    // which only costs a read (the next probe differs); an older answer is never stored under a newer version.
    if (this.version === version) {
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(key, answer);
    }
    return copy(answer);
  }
}
