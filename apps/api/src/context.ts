import type { BackendStatus, ResourceTracker } from '@bytemeter/tracker';
import type { AuthInfo } from './auth/authenticate.js';
import type { LiveHub } from './live/live-hub.js';

/** What every resolver gets. */
export interface ApiContext {
  tracker: ResourceTracker;
  live: LiveHub;
  auth: AuthInfo;
  /** Largest event count the GraphQL `export` field returns inline; bigger ranges go to /export. */
  exportCap: number;
  /** Status of every backend, read once per request however many Backend.status fields ask. */
  allStatuses: () => Promise<Record<string, BackendStatus>>;
}
