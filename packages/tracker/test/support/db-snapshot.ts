import Database from 'better-sqlite3';

/**
 * Every row of every bytemeter table, read through a separate connection, as one comparable string:
 * two equal snapshots mean the database did not change.
 */
export function snapshotDatabase(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = ['backends', 'backend_state', 'events', 'rollups'];
    return tables
      .map((table) => {
        const rows = db.prepare(`select * from ${table} order by 1, 2, 3, 4`).all() as Record<string, unknown>[];
        const text = rows.map((r) =>
          JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
        );
        return `${table}:\n${text.join('\n')}`;
      })
      .join('\n');
  } finally {
    db.close();
  }
}

/** Row count of one table, read through a separate connection. */
export function countRows(path: string, table: 'events' | 'rollups' | 'backends'): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
