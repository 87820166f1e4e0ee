import { createPostgresDatabase } from '@bytemeter/api/testing';
import { inject } from 'vitest';

// Provided by the tracker's globalSetup (see vitest.config.ts), which drops the run's databases at the end.
declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDatabasePrefix: string;
  }
}

let made = 0;

/** A new PostgreSQL database on the run's server, for API replicas to share. */
export function newPostgresDatabase(label: string): Promise<string> {
  const name = `${inject('pgDatabasePrefix')}client_${process.pid}_${made++}_${label}`;
  return createPostgresDatabase(
    inject('pgAdminUrl'),
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 63),
  );
}
