import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fresh directory for this test file's databases, removed when the file's tests are done.
 * @example const dbPath = tempDbPaths('idempotency'); const path = dbPath('a.db');
 */
export function tempDbPaths(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `bytemeter-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return (name: string) => join(dir, `${n++}-${name}`);
}

/** A clock the test moves by hand. */
export function fixedClock(start: number): {
  now: () => number;
  set: (ms: number) => void;
  advance: (ms: number) => void;
} {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
