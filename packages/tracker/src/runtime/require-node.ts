import { UnsupportedNodeError } from '../errors.js';

/** Oldest Node.js major the tracker runs on: better-sqlite3 13 and kysely 0.29 need 22. */
export const MIN_NODE_MAJOR = 22;

/**
 * Throws UnsupportedNodeError when `version` (the running Node's by default) is older than 22.
 * Takes the version as an argument so that the check itself is testable on any Node.
 */
export function assertSupportedNode(version: string = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (!(major >= MIN_NODE_MAJOR)) throw new UnsupportedNodeError(version, MIN_NODE_MAJOR);
}
