import type { BackendType } from '../types.js';

/** A validated event waiting in memory for the next flush. */
export interface PendingEvent {
  backend: string;
  backendType: BackendType;
  /** RESOURCE_CODE of the resource type. */
  resource: number;
  /** For a level report, the absolute level; the stored amount becomes the change it implies. */
  amount: number;
  ts: number;
  success: boolean;
  durationMs: number | null;
  operationId: string | null;
  path: string | null;
  /** Already serialized, so a caller mutating its object later changes nothing. */
  metadata: string | null;
  key: string | null;
  isLevelReport: boolean;
}
